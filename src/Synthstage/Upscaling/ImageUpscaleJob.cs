using System.Diagnostics;
using SkiaSharp;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Provenance;

namespace Synthstage.Upscaling;

/// <summary><c>synthstage upscale IN -o OUT.png</c>: one still image through a super-resolution model into a PNG.</summary>
public static class ImageUpscaleJob
{
    /// <summary>
    /// Reads <paramref name="inputPath"/>, installs the model on first use, upscales it tile by tile and writes
    /// <paramref name="outputPath"/> under a temporary name, renamed when complete.
    /// </summary>
    /// <exception cref="SynthstageException">Unknown model name or non-PNG output (Usage), unreadable input
    /// (BadInput), model install or load failures (BadModel), unwritable output (BadOutput).</exception>
    public static async Task<ImageUpscaleResult> RunAsync(string inputPath, string outputPath, ImageUpscaleOptions options,
        IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        // 1. Check inputs before anything is fetched or loaded.
        if (!string.Equals(Path.GetExtension(outputPath), ".png", StringComparison.OrdinalIgnoreCase))
            throw new SynthstageException($"the output '{outputPath}' must be a .png file", ExitCodes.Usage);
        var isFile = options.Model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        var model = isFile ? null : EsrganModel.Parse(options.Model);
        var image = RgbImage.Load(inputPath, "input");

        // 2. Resolve the model (first use installs it), 3. upscale, 4. write.
        var modelPath = model is null ? options.Model
            : await EsrganModelInstaller.EnsureInstalledAsync(ModelStore.Default, model, progress, cancellationToken).ConfigureAwait(false);
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
        await ProvenanceWriter.WriteAsync(outputPath, stamp, Record(inputPath, modelPath, model, upscaler.Factor), cancellationToken).ConfigureAwait(false);
        return new ImageUpscaleResult(outputPath, result.Width, result.Height, upscaler.Factor, elapsed);
    }

    private static ProvenanceRecord Record(string inputPath, string modelPath, EsrganModel? model, int factor)
    {
        var record = new ProvenanceRecord("upscale")
            .AddPart("frame", "synthetic", $"the input enlarged ×{factor} by a super-resolution model, which generates the detail finer than the input's")
            .AddInput("input", inputPath);
        record.Set("factor", factor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        record.Set("model", model?.Name ?? Path.GetFileName(modelPath));
        // A catalog model's licence comes from the catalog; a file of the user's has none we know.
        record.AddModel("super-resolution", model?.ModelId ?? Path.GetFileNameWithoutExtension(modelPath), modelPath,
            model is null ? "unknown (a model file of the user's)" : null);
        return record;
    }

    private static void WritePng(RgbImage image, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var bitmap = image.ToBitmap();
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            data.SaveTo(stream);
        }, "the image");
}
