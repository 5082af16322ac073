using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Provenance;

namespace Synthstage.Video;

/// <summary>Keys the subject out of footage and writes the matte: an alpha video or image, or a mask.</summary>
public static class MatteJob
{
    private static readonly string[] MediaExtensions =
        [".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];

    /// <summary>Renders the matte of one input.</summary>
    /// <param name="inputPath">A video or still image ffmpeg can read.</param>
    /// <param name="outputPath">Output file (or folder for a PNG sequence); its extension picks the format unless <see cref="KeyingOptions.Encoder"/> names a format.</param>
    /// <param name="kind">Alpha or mask; <see cref="MatteOutputKind.Auto"/> chooses by format.</param>
    /// <param name="options">Model, matte and encoder settings.</param>
    /// <param name="progress">Receives install and per-frame progress.</param>
    /// <param name="ct">Cancels the render; nothing is left under the output's name.</param>
    public static Task<RenderResult> RunAsync(string inputPath, string outputPath, MatteOutputKind kind, KeyingOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default) =>
        RunAsync(inputPath, null, outputPath, kind, options, progress, ct);

    private static async Task<RenderResult> RunAsync(string inputPath, VideoInfo? probed, string outputPath, MatteOutputKind kind, KeyingOptions options,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = options.Encoder.FormatFor(outputPath);
        var alpha = kind switch
        {
            MatteOutputKind.Alpha when !OutputFormats.SupportsAlpha(format) =>
                throw new SynthstageException($"{format} cannot carry alpha; write .webm, .mov, .png or a PNG folder, or use --format mask", ExitCodes.Usage),
            MatteOutputKind.Alpha => true,
            MatteOutputKind.Mask => false,
            _ => OutputFormats.SupportsAlpha(format),
        };
        // A grey mask must keep exact values, so it gets no watermark or label (the manifest says so).
        var provenance = alpha ? options.Provenance : options.Provenance with { Watermark = false, Label = null, WatermarkNote = "mask output: matte values are kept exact" };
        var plan = await KeyedVideoRender.PrepareAsync(inputPath, new RenderOutput.Plain(outputPath), options with { Encoder = options.Encoder with { Format = format }, Provenance = provenance },
            alpha ? FramePixelFormat.Rgba32 : FramePixelFormat.Rgb24, ct, probed).ConfigureAwait(false);
        return await KeyedVideoRender.RunAsync(plan,
            (w, h, stages) => alpha ? new AlphaFinisher(w, h, stages.Enlarger) : new MaskFinisher(w, h, stages.Enlarger),
            [], KeyingProvenance.ForMatte(alpha), progress, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Renders one matte per input into <paramref name="outputFolder"/>. Folders among the inputs contribute
    /// the images and videos directly inside them. Each output is named after its input, with
    /// <paramref name="extension"/> (default: .png for still images, .webm for videos).
    /// </summary>
    public static async Task<IReadOnlyList<RenderResult>> RunBatchAsync(IReadOnlyList<string> inputs, string outputFolder,
        string? extension, MatteOutputKind kind, KeyingOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        if (!Directory.Exists(outputFolder))
            throw new SynthstageException($"output folder '{outputFolder}' does not exist", ExitCodes.BadOutput);
        var files = ExpandInputs(inputs);
        var results = new List<RenderResult>(files.Count);
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            var info = await MediaProbe.ProbeAsync(file, ct).ConfigureAwait(false);
            var ext = extension ?? (info.IsStillImage ? ".png" : ".webm");
            if (!ext.StartsWith('.')) ext = "." + ext;
            var output = Path.Combine(outputFolder, Path.GetFileNameWithoutExtension(file) + ext);
            results.Add(await RunAsync(file, info, output, kind, options with { Encoder = options.Encoder with { Format = null } }, progress, ct).ConfigureAwait(false));
        }
        return results;
    }

    /// <summary>Expands folders to the media files directly inside them (sorted); keeps files as given.</summary>
    public static IReadOnlyList<string> ExpandInputs(IReadOnlyList<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(Directory.EnumerateFiles(input)
                    .Where(f => MediaExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(input)) files.Add(input);
            else throw new SynthstageException($"input '{input}' does not exist", ExitCodes.BadInput);
        }
        if (files.Count == 0) throw new SynthstageException("no images or videos found in the inputs given", ExitCodes.BadInput);
        return files;
    }
}
