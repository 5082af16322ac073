using Synthstage.Compositing;
using Synthstage.Media;

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
            (w, h, matte) => new CompositeFinisher(CreateBackground(background, w, h),
                w, h, matte),
            progress, ct);

    private static IBackgroundSource CreateBackground(BackgroundSpec spec, int width, int height) => spec switch
    {
        BackgroundSpec.Solid s => new SolidBackground(s.R, s.G, s.B),
        BackgroundSpec.Image i => ImageBackground.Load(i.Path, width, height),
        BackgroundSpec.Blur => new BlurredFrameBackground(width, height),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "unknown background"),
    };
}
