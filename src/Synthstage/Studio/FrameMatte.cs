namespace Synthstage.Studio;

/// <summary>
/// The matte of one frame as the model gives it (or confined to the subject the frame's points select), before the guided enlargement: <paramref name="MaskWidth"/> ×
/// <paramref name="MaskHeight"/> bytes (255 = subject) spanning the whole frame. The clip page enlarges and tints it in
/// a canvas; enlarging it here to 1280×720 and sending a PNG of that cost more than the model itself did.
/// </summary>
/// <param name="Width">Frame width.</param>
/// <param name="Height">Frame height.</param>
/// <param name="MaskWidth">Mask width.</param>
/// <param name="MaskHeight">Mask height.</param>
/// <param name="Mask">MaskWidth × MaskHeight matte values, rows top first.</param>
/// <param name="Model">The model that made it.</param>
/// <param name="Elapsed">Decode and matte time on the server.</param>
public sealed record FrameMatte(int Width, int Height, int MaskWidth, int MaskHeight, byte[] Mask, string Model, TimeSpan Elapsed)
{
    /// <summary>Whether this is the model's matte or the subject selected by the frame's points.</summary>
    public FrameMatteSelection Selection { get; init; }

    /// <summary>What the page should say about the selection (points not followed, or why they select nothing), or null.</summary>
    public string? Note { get; init; }

    /// <summary>The matte's value under <paramref name="point"/>, 0..255, sampled bilinearly as the page enlarges it.</summary>
    public byte At(SubjectPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var (px, py) = point.InPixels(Width, Height);
        // The pixel's centre in mask coordinates.
        var x = Math.Clamp((px + 0.5) * MaskWidth / Width - 0.5, 0, MaskWidth - 1);
        var y = Math.Clamp((py + 0.5) * MaskHeight / Height - 0.5, 0, MaskHeight - 1);
        int x0 = (int)x, y0 = (int)y, x1 = Math.Min(x0 + 1, MaskWidth - 1), y1 = Math.Min(y0 + 1, MaskHeight - 1);
        double fx = x - x0, fy = y - y0;
        double top = Mask[y0 * MaskWidth + x0] * (1 - fx) + Mask[y0 * MaskWidth + x1] * fx;
        double bottom = Mask[y1 * MaskWidth + x0] * (1 - fx) + Mask[y1 * MaskWidth + x1] * fx;
        return (byte)Math.Round(top * (1 - fy) + bottom * fy);
    }

    /// <summary>Share of the frame the subject covers (matte at or above half; every mask pixel spans the same share of the frame).</summary>
    public double Coverage => Mask.Count(a => a >= 128) / (double)Mask.Length;

    /// <summary>The mask quantised to bytes: <paramref name="mask"/> holds 0..1 values.</summary>
    public static byte[] Quantise(ReadOnlySpan<float> mask)
    {
        var bytes = new byte[mask.Length];
        for (var i = 0; i < mask.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(mask[i] * 255), 0, 255);
        return bytes;
    }
}
