namespace Synthstage.Walks;

/// <summary>A walk video: keyframes, how many frames lie between them, how each frame is generated, paced and written.</summary>
/// <remarks>
/// <para>Frames: segment i (keyframe i → i + 1) has <c>F</c> frames at interpolation positions 0 ≤ t &lt; 1, the first
/// being keyframe i itself; the walk ends with the last keyframe, so it has ΣF + 1 frames. Every keyframe frame equals
/// what <c>synthstage generate</c> makes for that prompt, seed and negative prompt with the same model, size, steps,
/// guidance and scheduler.</para>
/// <para>With <see cref="SegmentTimes"/>, F of segment i is round(Tᵢ₊₁·fps) − round(Tᵢ·fps) (times relative to the first).</para>
/// </remarks>
public sealed record WalkOptions
{
    /// <summary>Two or more keyframes.</summary>
    public IReadOnlyList<WalkKeyframe> Keyframes { get; init; } = [];

    /// <summary>Per-segment overrides: empty, or exactly one per segment (keyframes − 1).</summary>
    public IReadOnlyList<WalkSegment> Segments { get; init; } = [];

    /// <summary>Frames per segment unless a segment says otherwise.</summary>
    public int FramesPerSegment { get; init; } = 24;

    /// <summary>Seconds at which each keyframe sits (one per keyframe, increasing); frames per segment then follow from <see cref="FrameRate"/>.
    /// With audio they are positions in the audio file, and the walk's audio starts at the first.</summary>
    public IReadOnlyList<double>? SegmentTimes { get; init; }

    /// <summary>Width in pixels of the generated frames, a multiple of 8.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Height in pixels of the generated frames, a multiple of 8.</summary>
    public int Height { get; init; } = 512;

    /// <summary>Denoising steps per frame (segments may override).</summary>
    public int Steps { get; init; } = 25;

    /// <summary>Classifier-free guidance scale (segments may override).</summary>
    public float GuidanceScale { get; init; } = 7.5f;

    /// <summary>Scheduler short name, or null for the model's own.</summary>
    public string? Scheduler { get; init; }

    /// <summary>Frames per second of the video.</summary>
    public double FrameRate { get; init; } = 24;

    /// <summary>Frames denoised per UNet call (needs a UNet with a dynamic batch when above 1).</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Audio that paces the walk and is muxed into the output, or null.</summary>
    public string? AudioPath { get; init; }

    /// <summary>Where in the audio the walk starts, in seconds (default 0, or the first of <see cref="SegmentTimes"/>).</summary>
    public double? AudioStart { get; init; }

    /// <summary>Accept audio that ends before the walk, continuing with silence.</summary>
    public bool PadAudio { get; init; }

    /// <summary>0..1: how much of a linear ramp is mixed into the audio-paced position (1 = ignore the beat).</summary>
    public double Smooth { get; init; } = 0.2;

    /// <summary>Integer upscaling factor applied to every frame before encoding (1 = none).</summary>
    public int Upscale { get; init; } = 1;

    /// <summary>
    /// How frames are enlarged for <see cref="Upscale"/> &gt; 1: auto (the installed slim ESRGAN of that factor, else
    /// Lanczos; nothing is installed), lanczos, or an ESRGAN model of that factor (installed on first use).
    /// </summary>
    public Synthstage.Upscaling.UpscalerChoice Upscaler { get; init; } = Synthstage.Upscaling.UpscalerChoice.Auto;

    /// <summary>Where ESRGAN models are looked for and installed; null for <see cref="Models.ModelStore.Default"/>.</summary>
    public Models.ModelStore? Store { get; init; }

    /// <summary>The video to write (.mp4, .webm or .mov); its folder must exist.</summary>
    public string OutputPath { get; init; } = "";

    /// <summary>Also keep every frame as <c>frame_000001.png</c> … in this folder (created if its parent exists), or null.</summary>
    public string? FramesFolder { get; init; }

    /// <summary>CRF, preset and VP9 deadline of the video; a format, when set, must be the one <see cref="OutputPath"/>'s extension names.</summary>
    public Media.EncoderSettings Encoder { get; init; } = Media.EncoderSettings.Default;

    /// <summary>Frames per resumable part file.</summary>
    public int ChunkFrames { get; init; } = 16;

    /// <summary>Discard an unfinished run with other parameters instead of refusing.</summary>
    public bool Restart { get; init; }

    /// <summary>Watermark, visible label and signed manifest of the output (and of the kept PNG frames' pixels).</summary>
    public Provenance.ProvenanceOptions Provenance { get; init; } = new();
}
