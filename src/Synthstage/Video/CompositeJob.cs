using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Provenance;

namespace Synthstage.Video;

/// <summary>Keys the subject out of footage and puts it over a new background, keeping the audio.</summary>
public static class CompositeJob
{
    /// <summary>Renders the composite into a plain output with the default look.</summary>
    /// <param name="inputPath">A video or still image ffmpeg can read.</param>
    /// <param name="outputPath">Output file; its extension picks the format unless <see cref="KeyingOptions.Encoder"/> names a format.</param>
    /// <param name="background">Colour, image (scaled to cover) or blurred frame.</param>
    /// <param name="options">Model, matte and encoder settings.</param>
    /// <param name="progress">Receives install and per-frame progress.</param>
    /// <param name="ct">Cancels the render; nothing is left under the output's name.</param>
    public static Task<RenderResult> RunAsync(string inputPath, string outputPath, BackgroundSpec background, KeyingOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default) =>
        RunAsync(inputPath, new RenderOutput.Plain(outputPath), background, options, new CompositeLook(), progress, ct);

    /// <summary>Renders the composite with a <paramref name="look"/> (harmonisation, light wrap) into the output the caller chose.</summary>
    /// <param name="inputPath">A video or still image ffmpeg can read.</param>
    /// <param name="output">A plain output, or a resumable video file a rerun with the same settings continues.</param>
    /// <param name="background">A <see cref="BackgroundSpec"/>, or any other background factory (a moving image, a generated scene).</param>
    /// <param name="options">Model, matte and encoder settings.</param>
    /// <param name="look">How the subject is blended into the background.</param>
    /// <param name="progress">Receives install and per-frame progress.</param>
    /// <param name="ct">Cancels the render.</param>
    /// <exception cref="SynthstageException">A setting is out of range, the output cannot hold the input (a video into one PNG), or the input is unreadable.</exception>
    public static async Task<RenderResult> RunAsync(string inputPath, RenderOutput output, IBackgroundFactory background, KeyingOptions options,
        CompositeLook look, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(background);
        ArgumentNullException.ThrowIfNull(look);
        look.Validate();
        var plan = await KeyedVideoRender.PrepareAsync(inputPath, output, options, FramePixelFormat.Rgb24, ct).ConfigureAwait(false);
        return await RunAsync(plan, background, look, [], Record(background), progress, ct).ConfigureAwait(false);
    }

    /// <summary>Renders a checked plan over <paramref name="background"/>; the look is validated.</summary>
    /// <param name="plan">The checked render.</param>
    /// <param name="background">What goes behind the subject.</param>
    /// <param name="look">Validated look.</param>
    /// <param name="jobSettings">Settings of the calling job beyond background and look (a scene's prompt, seed …).</param>
    /// <param name="record">The job's manifest record.</param>
    /// <param name="progress">Install and per-frame progress.</param>
    /// <param name="ct">Cancels the render.</param>
    internal static async Task<RenderResult> RunAsync(KeyedRenderPlan plan, IBackgroundFactory background, CompositeLook look,
        IEnumerable<ISettingsDescription> jobSettings, ProvenanceRecord record, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        using var made = new BackgroundInAdvance(background, plan.FrameWidth, plan.FrameHeight, plan.Input.FrameCount);
        return await KeyedVideoRender.RunAsync(plan, Finisher(made.Take, look), [background, look, .. jobSettings], record, progress, ct)
            .ConfigureAwait(false);
    }

    /// <summary>The composite finisher over <paramref name="background"/> for a clip of <paramref name="frameCount"/> frames.</summary>
    internal static KeyedFrameStages.FinisherFactory Finisher(IBackgroundFactory background, CompositeLook look, int frameCount) =>
        Finisher((width, height) => background.Create(width, height, frameCount), look);

    private static KeyedFrameStages.FinisherFactory Finisher(Func<int, int, IBackgroundSource> createBackground, CompositeLook look) =>
        (width, height, stages) => new CompositeFinisher(createBackground(width, height), width, height, stages.Enlarger,
            stages.MaskWidth, stages.MaskHeight, look);

    /// <summary>The record of a composite over <paramref name="background"/>: the subject is captured, the background as the background says.</summary>
    internal static ProvenanceRecord Record(IBackgroundFactory background)
    {
        var record = new ProvenanceRecord("composite").AddPart("subject", "captured", "keyed out of the input footage by person segmentation");
        if (background.SourceFile is { } file) record.AddInput("background", file);
        var (origin, detail) = background.ManifestPart;
        return record.AddPart("background", origin, detail);
    }
}
