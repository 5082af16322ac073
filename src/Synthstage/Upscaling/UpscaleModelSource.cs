using Synthstage.Models;
using Synthstage.Provenance;

namespace Synthstage.Upscaling;

/// <summary>
/// The model an <c>upscale</c> run uses: a catalog ESRGAN by name (installed on first use) or a converted .onnx file of
/// the user's, and how the output's manifest names it. Shared by the image and the video job.
/// </summary>
/// <param name="Model">The catalog model, or null for a file of the user's.</param>
/// <param name="Reference">What the user gave (a name or a path).</param>
internal sealed record UpscaleModelSource(EsrganModel? Model, string Reference)
{
    /// <summary>Reads a model name or an .onnx path; checks the name before anything is fetched.</summary>
    /// <exception cref="SynthstageException">An unknown name, for example a scale the models lack (Usage).</exception>
    public static UpscaleModelSource Parse(string reference)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        return reference.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? new UpscaleModelSource(null, reference)
            : new UpscaleModelSource(EsrganModel.Parse(reference), reference);
    }

    /// <summary>The ONNX file: the user's, or the catalog model's (installed now when missing).</summary>
    public async Task<string> ResolveAsync(IProgress<PipelineProgress>? progress, CancellationToken ct) =>
        Model is null ? Reference : await EsrganModelInstaller.EnsureInstalledAsync(ModelStore.Default, Model, progress, ct).ConfigureAwait(false);

    /// <summary>The manifest record of an upscaled output: the input, the factor and the model with its licence.</summary>
    public ProvenanceRecord Record(string inputPath, string modelPath, int factor, string what)
    {
        var record = new ProvenanceRecord("upscale")
            .AddPart(what, "synthetic", $"the input enlarged ×{factor} by a super-resolution model, which generates the detail finer than the input's")
            .AddInput("input", inputPath);
        record.Set("factor", factor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        record.Set("model", Model?.Name ?? Path.GetFileName(modelPath));
        // A catalog model's licence comes from the catalog; a file of the user's has none we know.
        record.AddModel("super-resolution", Model?.ModelId ?? Path.GetFileNameWithoutExtension(modelPath), modelPath,
            Model is null ? "unknown (a model file of the user's)" : null);
        return record;
    }
}
