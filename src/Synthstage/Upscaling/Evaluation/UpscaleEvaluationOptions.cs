namespace Synthstage.Upscaling.Evaluation;

/// <summary>Settings of <see cref="UpscaleEvaluation"/>: what is shrunk, how, which models enlarge it back and how it is scored.</summary>
public sealed record UpscaleEvaluationOptions
{
    /// <summary>Videos (frames spread evenly over each) and still images: the originals.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Frames taken from each video.</summary>
    public int FramesPerVideo { get; init; } = 4;

    /// <summary>Models by name (esrgan-x2, medium-x4, …; installed on first use) or converted .onnx files; each is compared with Lanczos-3 at its factor.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["esrgan-x2", "esrgan-x4", "medium-x2", "medium-x4"];

    /// <summary>The shrink's cubic parameter: −0.5 as MATLAB (the models' training data); −0.6 approximates ffmpeg's bicubic.</summary>
    public double ShrinkCubic { get; init; } = -0.5;

    /// <summary>Low-pass the shrink by stretching its kernel (MATLAB's default), or not.</summary>
    public bool ShrinkAntialias { get; init; } = true;

    /// <summary>Shrink the originals by this factor first (MATLAB bicubic): a sharper ground truth than compressed video at its own size; 1 keeps them.</summary>
    public int PreShrink { get; init; } = 1;

    /// <summary>Pixels cropped from every side before scoring; null crops the scale factor, as SR papers do.</summary>
    public int? Border { get; init; }

    /// <summary>Tiling and threads of the models (a tile larger than the frame runs it whole).</summary>
    public SuperResolutionOptions SuperResolution { get; init; } = new();

    /// <summary>Write a 300 % crop of the first frame (original | Lanczos | first model) side by side to this PNG, or null.</summary>
    public string? CropPath { get; init; }

    /// <summary>Checks the settings before any frame is decoded.</summary>
    /// <exception cref="SynthstageException">No inputs, a missing input, no models, an unknown model, or a bad frame count or border (Usage, BadInput).</exception>
    public void Validate()
    {
        if (Inputs.Count == 0) throw new SynthstageException("give one or more videos or images to evaluate on", ExitCodes.Usage);
        foreach (var input in Inputs)
            if (!File.Exists(input)) throw new SynthstageException($"input '{input}' does not exist", ExitCodes.BadInput);
        if (FramesPerVideo < 1) throw new SynthstageException($"--frames must be at least 1, not {FramesPerVideo}", ExitCodes.Usage);
        if (Models.Count == 0) throw new SynthstageException("give one or more models", ExitCodes.Usage);
        foreach (var model in Models) UpscaleModelSource.Parse(model);
        if (PreShrink is < 1 or > 8) throw new SynthstageException($"--pre-shrink must be 1 to 8, not {PreShrink}", ExitCodes.Usage);
        if (Border is < 0) throw new SynthstageException($"--border must be 0 or more, not {Border}", ExitCodes.Usage);
        if (CropPath is { } crop && !crop.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new SynthstageException($"the crop '{crop}' must be a .png file", ExitCodes.Usage);
    }
}
