namespace Synthstage.Compositing;

/// <summary>How a network's soft mask becomes the matte used for compositing.</summary>
public sealed record MatteOptions
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

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="SynthstageException">Threshold or softness outside 0..1, or negative feather.</exception>
    public void Validate()
    {
        if (Threshold is < 0 or > 1 || float.IsNaN(Threshold))
            throw new SynthstageException($"--threshold must be between 0 and 1 (got {Threshold})", ExitCodes.Usage);
        if (Softness is < 0 or > 1 || float.IsNaN(Softness))
            throw new SynthstageException($"--softness must be between 0 and 1 (got {Softness})", ExitCodes.Usage);
        if (Feather is < 0 or > 100 || float.IsNaN(Feather))
            throw new SynthstageException($"--feather must be between 0 and 100 pixels (got {Feather})", ExitCodes.Usage);
    }
}
