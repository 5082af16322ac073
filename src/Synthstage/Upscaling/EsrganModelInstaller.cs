using Synthstage.Models;
using Synthstage.Tfjs;

namespace Synthstage.Upscaling;

/// <summary>
/// Installs UpscalerJS's ESRGAN models into the store: fetches the pinned npm package, checks each scale's
/// <c>model.json</c> and weight shard against the catalog's SHA-256, converts them with our TF.js importer, and moves
/// each ONNX file into place only when it is complete (<c>models/esrgan-slim/x2.onnx</c>, …).
/// </summary>
/// <remarks>
/// The RDN models were trained on 0..255 pixels; the installed graphs are wrapped to take and give NHWC float RGB in
/// 0..1 (input <see cref="InputName"/>, output <see cref="OutputName"/>). Their output is not clipped.
/// </remarks>
public static class EsrganModelInstaller
{
    /// <summary>Name of the installed graphs' input: [batch, height, width, 3], RGB in 0..1.</summary>
    public const string InputName = "image";

    /// <summary>Name of the installed graphs' output: [batch, height·scale, width·scale, 3], RGB around 0..1.</summary>
    public const string OutputName = "upscaled";

    /// <summary>Path of an installed model, whether or not it exists yet.</summary>
    public static string ModelPath(ModelStore store, EsrganModel model) => Path.Combine(store.ModelFolder(model.ModelId), model.Variant + ".onnx");

    /// <summary>Returns the path of <paramref name="model"/>'s ONNX file, installing it first when it is missing.</summary>
    /// <exception cref="SynthstageException">As for <see cref="InstallAsync"/>.</exception>
    public static async Task<string> EnsureInstalledAsync(ModelStore store, EsrganModel model, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var path = ModelPath(store, model);
        if (!File.Exists(path)) await InstallAsync(store, model.Size, [model.Scale], progress, ct).ConfigureAwait(false);
        return path;
    }

    /// <summary>Installs the given scales (all four when null) of the slim or medium package.</summary>
    /// <param name="store">Model store.</param>
    /// <param name="size">"slim" or "medium".</param>
    /// <param name="scales">Scale factors among 2, 3, 4, 8; null for all.</param>
    /// <param name="progress">Receives one "install" report per step.</param>
    /// <param name="ct">Stops npm and the conversion.</param>
    /// <returns>The installed ONNX files.</returns>
    /// <exception cref="SynthstageException">npm missing or failing, a checksum mismatch, a scale the package lacks
    /// (BadModel), or an unwritable store (BadOutput).</exception>
    public static async Task<IReadOnlyList<string>> InstallAsync(ModelStore store, string size, IReadOnlyList<int>? scales,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var entry = ModelCatalog.Get("esrgan-" + size);
        var variants = (scales ?? [2, 3, 4, 8]).Select(s => "x" + s).ToArray();
        var scratch = store.CreateScratchFolder();
        try
        {
            var folder = store.ModelFolder(entry.Id);
            var installed = new List<string>();
            for (var i = 0; i < variants.Length; i++)
            {
                var files = entry.Files.Where(f => f.Variant == variants[i]).Select(f => new NpmPackageFile(f.Name, f.Sha256)).ToArray();
                if (files.Length == 0) throw new SynthstageException($"'{entry.Id}' has no scale {variants[i]}; it has {string.Join(", ", entry.Files.Select(f => f.Variant).Distinct())}", ExitCodes.BadModel);
                progress?.Report(new PipelineProgress("install", i, variants.Length, $"npm pack {entry.Source.Package}@{entry.Source.Version} ({variants[i]})"));
                // One folder per scale: every scale's files have the same names (model.json, group1-shard1of1.bin).
                var source = Path.Combine(scratch, variants[i]);
                var fetched = await NpmPackageFetcher.FetchAsync(entry.Source.Package, entry.Source.Version, source, files, ct).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                progress?.Report(new PipelineProgress("install", i, variants.Length, $"converting {entry.Id} {variants[i]}"));
                var converted = Path.Combine(scratch, variants[i] + ".onnx");
                TfjsImporter.Convert(fetched.Single(f => f.EndsWith("model.json", StringComparison.Ordinal)), converted, new TfjsImportOptions
                {
                    InputName = InputName,
                    OutputName = OutputName,
                    GraphName = $"{entry.Id}-{variants[i]}",
                    InputScale = 255f,
                    OutputScale = 1f / 255f,
                });
                var target = Path.Combine(folder, variants[i] + ".onnx");
                try
                {
                    Directory.CreateDirectory(folder);
                    File.Move(converted, target, overwrite: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new SynthstageException($"cannot write {target}: {e.Message}", ExitCodes.BadOutput, e);
                }
                installed.Add(target);
                progress?.Report(new PipelineProgress("install", i + 1, variants.Length, Path.GetFileName(target)));
            }
            await File.WriteAllTextAsync(Path.Combine(folder, "LICENSE.txt"),
                $"{entry.Description}\nSource: {entry.Source.Package}@{entry.Source.Version} ({entry.Source.Kind})\nLicence: {entry.Licence} ({entry.LicenceUrl})\n", ct).ConfigureAwait(false);
            return installed;
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
