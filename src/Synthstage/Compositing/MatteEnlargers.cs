namespace Synthstage.Compositing;

/// <summary>Chooses the matte enlargement for <see cref="MatteOptions.Refine"/>.</summary>
public static class MatteEnlargers
{
    /// <summary>
    /// A guided enlarger when refinement is on and the mask is smaller than the frame; otherwise bilinear (a mask
    /// already at frame resolution, as from Robust Video Matting, is copied: the model refined it itself).
    /// </summary>
    public static IMatteEnlarger Create(MatteOptions options, int maskWidth, int maskHeight, int frameWidth, int frameHeight) =>
        UsesGuidedFilter(options, maskWidth, maskHeight, frameWidth, frameHeight)
            ? new GuidedMatteEnlarger(options, maskWidth, maskHeight, frameWidth, frameHeight)
            : new BilinearMatteEnlarger(maskWidth, maskHeight, frameWidth, frameHeight);

    /// <summary>True when <see cref="Create"/> returns the guided enlarger (feather then happens at full resolution, not in <see cref="MatteShaper"/>).</summary>
    public static bool UsesGuidedFilter(MatteOptions options, int maskWidth, int maskHeight, int frameWidth, int frameHeight) =>
        options.Refine == MatteRefinement.Guided && (maskWidth < frameWidth || maskHeight < frameHeight);
}
