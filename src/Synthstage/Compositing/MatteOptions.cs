namespace Synthstage.Compositing;

/// <summary>How a network's soft mask becomes the matte used for compositing.</summary>
public sealed record MatteOptions : ISettingsDescription
{
    /// <summary>Probability at which a pixel counts as half person (0..1).</summary>
    public float Threshold { get; init; } = 0.5f;

    /// <summary>
    /// Width of the probability band mapped smoothly from transparent to opaque around <see cref="Threshold"/>
    /// (0 = hard cut, 1 = the raw probability).
    /// </summary>
    public float Softness { get; init; } = 0.6f;

    /// <summary>Gaussian feathering of the matte edge, as a standard deviation in output pixels (0 = off).</summary>
    public float Feather { get; init; } = 2f;

    /// <summary>
    /// Temporal smoothing between consecutive masks, MediaPipe's uncertainty-weighted ratio (0 = off, 1 = uncertain
    /// pixels keep their previous value). Applied to the network's probabilities before shaping.
    /// </summary>
    public float Smoothing { get; init; } = 0.7f;

    /// <summary>
    /// Frames of look-ahead of the temporal smoothing: with N ≥ 1 each uncertain pixel is pulled (by
    /// <see cref="Smoothing"/>) towards its mean over the N frames before and after, a centred window that neither
    /// flickers nor trails a moving edge, at the price of holding N frames in the pipeline; 0 is MediaPipe's one-sided
    /// rule against the previous output. At most <see cref="MaxLookAhead"/>.
    /// </summary>
    public int LookAhead { get; init; } = 2;

    /// <summary>The largest <see cref="LookAhead"/>.</summary>
    public const int MaxLookAhead = 8;

    /// <summary>How the low-resolution matte is enlarged to the frame: edge-aware guided filter (default) or bilinear.</summary>
    public MatteRefinement Refine { get; init; } = MatteRefinement.Guided;

    /// <summary>Guided filter window radius in frame pixels.</summary>
    public int RefineRadius { get; init; } = 12;

    /// <summary>Guided filter regularisation (colour variance, guide in 0..1): larger trusts the mask, smaller the image.</summary>
    public float RefineEpsilon { get; init; } = 1e-3f;

    /// <summary>
    /// Clip black of the refined matte: guided filter output at or below this level becomes fully transparent, and
    /// the range up to <see cref="ClipWhite"/> is stretched to 0..1 before feathering. It removes the faint copy of
    /// the background's texture that the filter leaves beside the subject, which shimmers from frame to frame.
    /// Only with guided refinement; 0 = off.
    /// </summary>
    public float ClipBlack { get; init; } = 0.05f;

    /// <summary>Clip white of the refined matte: output at or above this level becomes fully opaque (1 = off). See <see cref="ClipBlack"/>.</summary>
    public float ClipWhite { get; init; } = 0.95f;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="SynthstageException">Threshold, softness or smoothing outside 0..1, feather outside 0..100, or a bad guided filter setting.</exception>
    public void Validate()
    {
        if (Threshold is < 0 or > 1 || float.IsNaN(Threshold))
            throw new SynthstageException($"--threshold must be between 0 and 1 (got {Threshold})", ExitCodes.Usage);
        if (Softness is < 0 or > 1 || float.IsNaN(Softness))
            throw new SynthstageException($"--softness must be between 0 and 1 (got {Softness})", ExitCodes.Usage);
        if (Feather is < 0 or > 100 || float.IsNaN(Feather))
            throw new SynthstageException($"--feather must be between 0 and 100 pixels (got {Feather})", ExitCodes.Usage);
        if (Smoothing is < 0 or > 1 || float.IsNaN(Smoothing))
            throw new SynthstageException($"--smoothing must be between 0 and 1 (got {Smoothing})", ExitCodes.Usage);
        if (LookAhead is < 0 or > MaxLookAhead)
            throw new SynthstageException($"--look-ahead must be between 0 and {MaxLookAhead} frames (got {LookAhead})", ExitCodes.Usage);
        if (RefineRadius is < 1 or > 256)
            throw new SynthstageException($"the guided filter radius must be between 1 and 256 pixels (got {RefineRadius})", ExitCodes.Usage);
        if (RefineEpsilon is <= 0 or > 1 || float.IsNaN(RefineEpsilon))
            throw new SynthstageException($"the guided filter epsilon must be in (0, 1] (got {RefineEpsilon})", ExitCodes.Usage);
        if (ClipBlack is < 0 or >= 0.5f || float.IsNaN(ClipBlack))
            throw new SynthstageException($"--clip-black must be at least 0 and below 0.5 (got {ClipBlack})", ExitCodes.Usage);
        if (ClipWhite is <= 0.5f or > 1 || float.IsNaN(ClipWhite))
            throw new SynthstageException($"--clip-white must be above 0.5 and at most 1 (got {ClipWhite})", ExitCodes.Usage);
    }

    /// <summary>
    /// Threshold, softness, feather, smoothing and the refinement with its radius, epsilon and clip levels (those only
    /// change pixels with guided refinement, so they are written only then).
    /// </summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("threshold", Threshold).Add("softness", Softness).Add("feather", Feather).Add("smoothing", Smoothing)
            .Add("look-ahead", LookAhead == 0 ? "off (one-sided)" : $"{LookAhead} frames")
            .Add("refine", Refine == MatteRefinement.Guided
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"guided (radius {RefineRadius}, epsilon {RefineEpsilon:R}, clip {ClipBlack:R}..{ClipWhite:R})")
                : "off");
    }
}
