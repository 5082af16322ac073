using System.Diagnostics;
using SkiaSharp;
using Synthstage.Imaging;
using Synthstage.Provenance;

namespace Synthstage.Upscaling;

/// <summary><c>synthstage upscale IN -o OUT.png</c>: one still image through a super-resolution model into a PNG.</summary>
public static class ImageUpscaleJob
{
    /// <summary>
    /// Reads <paramref name="inputPath"/>, installs the model on first use, upscales it tile by tile and writes
    /// <paramref name="outputPath"/> under a temporary name, renamed when complete.
    /// </summary>
    /// <exception cref="SynthstageException">Unknown model name, non-PNG output or a video input (Usage), unreadable input
    /// (BadInput), model install or load failures (BadModel), unwritable output (BadOutput).</exception>
    public static async Task<ImageUpscaleResult> RunAsync(string inputPath, string outputPath, ImageUpscaleOptions options,
        IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        // 1. Check inputs before anything is fetched or loaded.
        if (!string.Equals(Path.GetExtension(outputPath), ".png", StringComparison.OrdinalIgnoreCase))
            throw new SynthstageException($"the output '{outputPath}' must be a .png file", ExitCodes.Usage);
        var source = UpscaleModelSource.Parse(options.Model);
        if (VideoUpscaleJob.LooksLikeVideo(inputPath))
            throw new SynthstageException($"input '{inputPath}' is a video; write the output as .mp4, .webm or .mov", ExitCodes.Usage);
        var image = RgbImage.Load(inputPath, "input");

        // 2. Resolve the model (first use installs it), 3. upscale, 4. write.
        var modelPath = await source.ResolveAsync(progress, cancellationToken).ConfigureAwait(false);
        using var upscaler = SuperResolutionUpscaler.Create(modelPath, options.SuperResolution);
        progress?.Report(new PipelineProgress("upscale", 0, 1, $"{image.Width}×{image.Height} ×{upscaler.Factor}"));
        var clock = Stopwatch.StartNew();
        var result = upscaler.Upscale(image, cancellationToken);
        var elapsed = clock.Elapsed;
        progress?.Report(new PipelineProgress("upscale", 1, 1));
        // Detail finer than the input's is the model's invention: the output is labelled like every other one.
        var stamp = OutputStamp.Create(options.Provenance, result.Width, result.Height, 3);
        stamp.Apply(result.Pixels);
        WritePng(result, outputPath);
        await ProvenanceWriter.WriteAsync(outputPath, stamp, source.Record(inputPath, modelPath, upscaler.Factor, "frame"), cancellationToken).ConfigureAwait(false);
        return new ImageUpscaleResult(outputPath, result.Width, result.Height, upscaler.Factor, elapsed);
    }

    private static void WritePng(RgbImage image, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var bitmap = image.ToBitmap();
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            data.SaveTo(stream);
        }, "the image");
}
