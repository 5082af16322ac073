using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Scenes;

namespace Synthstage.Video;

/// <summary>Keys the subject out of footage and puts it over a new background, keeping the audio.</summary>
public static class CompositeJob
{
    /// <summary>Renders the composite.</summary>
    /// <param name="inputPath">A video or still image ffmpeg can read.</param>
    /// <param name="outputPath">Output file; its extension picks the format unless <see cref="KeyingOptions.Format"/> is set.</param>
    /// <param name="background">Colour, image (scaled to cover) or blurred frame.</param>
    /// <param name="options">Model, matte and encoder settings.</param>
    /// <param name="progress">Receives install and per-frame progress.</param>
    /// <param name="ct">Cancels the render; nothing is left under the output's name.</param>
    public static Task<RenderResult> RunAsync(string inputPath, string outputPath, BackgroundSpec background, KeyingOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default) =>
        KeyedVideoRender.RunAsync(inputPath, outputPath, options with { ProvenanceRecord = options.ProvenanceRecord ?? Provenance.KeyingProvenance.ForComposite(background) }, FramePixelFormat.Rgb24,
            (w, h, stages) => new CompositeFinisher(CreateBackground(background, w, h), w, h, stages.Enlarger),
            progress, ct);

    /// <summary>Renders the composite with a <paramref name="look"/> (harmonisation, light wrap) and, for image backgrounds, a camera <paramref name="motion"/>.</summary>
    /// <param name="inputPath">A video or still image ffmpeg can read.</param>
    /// <param name="outputPath">Output file.</param>
    /// <param name="background">Colour, image or blurred frame; only an image can move.</param>
    /// <param name="options">Model, matte and encoder settings.</param>
    /// <param name="look">How the subject is blended into the background.</param>
    /// <param name="motion">Pan or zoom over the image, eased over the clip; <see cref="PlateMotion.Still"/> for none.</param>
    /// <param name="progress">Receives install and per-frame progress.</param>
    /// <param name="ct">Cancels the render.</param>
    /// <exception cref="SynthstageException">A strength is out of range, or motion was asked of a colour or blurred background.</exception>
    public static async Task<RenderResult> RunAsync(string inputPath, string outputPath, BackgroundSpec background, KeyingOptions options,
        CompositeLook look, PlateMotion motion, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(look);
        ArgumentNullException.ThrowIfNull(motion);
        look.Validate();
        motion.Validate();
        options = options with { ProvenanceRecord = options.ProvenanceRecord ?? Provenance.KeyingProvenance.ForComposite(background) };
        if (motion.IsStill)
            return await RunAsync(inputPath, outputPath, (w, h) => CreateBackground(background, w, h), options, look, progress, ct).ConfigureAwait(false);
        if (background is not BackgroundSpec.Image image)
            throw new SynthstageException("--background-motion pan|zoom needs an image background or --prompt", ExitCodes.Usage);
        var frames = (await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false)).FrameCount;
        return await RunAsync(inputPath, outputPath, (w, h) => PlateBackground.Load(image.Path, motion, w, h, frames), options, look, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Renders the composite over the background <paramref name="createBackground"/> makes for the frame size.</summary>
    internal static Task<RenderResult> RunAsync(string inputPath, string outputPath, Func<int, int, IBackgroundSource> createBackground,
        KeyingOptions options, CompositeLook look, IProgress<PipelineProgress>? progress, CancellationToken ct) =>
        KeyedVideoRender.RunAsync(inputPath, outputPath, options, FramePixelFormat.Rgb24,
            (w, h, stages) => new CompositeFinisher(createBackground(w, h), w, h, stages.Enlarger, stages.MaskWidth, stages.MaskHeight, look),
            progress, ct);

    /// <summary>The background source for <paramref name="spec"/> at width×height.</summary>
    internal static IBackgroundSource CreateBackground(BackgroundSpec spec, int width, int height) => spec switch
    {
        BackgroundSpec.Solid s => new SolidBackground(s.R, s.G, s.B),
        BackgroundSpec.Image i => ImageBackground.Load(i.Path, width, height),
        BackgroundSpec.Blur => new BlurredFrameBackground(width, height),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "unknown background"),
    };
}
