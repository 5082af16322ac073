using System.Security.Cryptography;
using Synthstage.Models;
using Synthstage.Tflite;
using Synthstage.Video;

namespace Synthstage.Segmentation;

/// <summary>
/// Installs MediaPipe's selfie segmentation models into the store: fetches the pinned npm package (or takes
/// local .tflite files), checks their SHA-256 against the catalog, converts them to ONNX with our importer,
/// and moves each result into place only when it is complete.
/// </summary>
public static class SelfieModelInstaller
{
    /// <summary>Catalog id of the model.</summary>
    public const string ModelId = "mediapipe-selfie";

    /// <summary>Path of an installed variant ("general" or "landscape"), whether or not it exists yet.</summary>
    public static string ModelPath(ModelStore store, string variant) => Path.Combine(store.ModelFolder(ModelId), variant + ".onnx");

    /// <summary>Returns the model folder, installing the package first when <paramref name="variant"/> is missing.</summary>
    public static async Task<string> EnsureInstalledAsync(ModelStore store, string variant, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (!File.Exists(ModelPath(store, variant)))
            await InstallAsync(store, fromFiles: null, progress, ct).ConfigureAwait(false);
        return store.ModelFolder(ModelId);
    }

    /// <summary>Installs from the pinned npm package, or from local .tflite files when <paramref name="fromFiles"/> is given.</summary>
    /// <returns>The installed ONNX files.</returns>
    /// <exception cref="SynthstageException">npm missing or failing, a checksum mismatch, or an unrecognised file.</exception>
    public static async Task<IReadOnlyList<string>> InstallAsync(ModelStore store, IReadOnlyList<string>? fromFiles,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var entry = ModelCatalog.Get(ModelId);
        var scratch = store.CreateScratchFolder();
        try
        {
            IReadOnlyList<(string Path, CatalogFile? File)> sources;
            if (fromFiles is null)
            {
                progress?.Report(new PipelineProgress("install", 0, entry.Files.Count, $"npm pack {entry.Source.Package}@{entry.Source.Version}"));
                var fetched = await NpmPackageFetcher.FetchAsync(entry.Source.Package, entry.Source.Version, scratch,
                    entry.Files.Select(f => new NpmPackageFile(f.Name, f.Sha256)).ToArray(), ct).ConfigureAwait(false);
                sources = entry.Files.Select((f, i) => (fetched[i], (CatalogFile?)f)).ToList();
            }
            else
            {
                sources = fromFiles.Select(p => (p, (CatalogFile?)null)).ToList();
            }

            var installed = new List<string>();
            var folder = store.ModelFolder(ModelId);
            Directory.CreateDirectory(folder);
            var done = 0;
            foreach (var (path, expected) in sources)
            {
                ct.ThrowIfCancellationRequested();
                if (!File.Exists(path)) throw new SynthstageException($"model file '{path}' does not exist", ExitCodes.BadInput);
                var tflite = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
                // Fetched files were verified by NpmPackageFetcher; a local file is recognised by its hash when it is the pinned release.
                var file = expected ?? entry.Files.FirstOrDefault(f => f.Sha256 == Convert.ToHexStringLower(SHA256.HashData(tflite)));
                progress?.Report(new PipelineProgress("install", done, sources.Count, $"converting {Path.GetFileName(path)}"));
                var onnx = TfliteImporter.ConvertToOnnx(tflite);
                var variant = file?.Variant ?? VariantFromShape(onnx, path);
                var target = Path.Combine(folder, variant + ".onnx");
                var temp = Path.Combine(scratch, variant + ".onnx");
                await File.WriteAllBytesAsync(temp, onnx, ct).ConfigureAwait(false);
                File.Move(temp, target, overwrite: true);
                installed.Add(target);
                progress?.Report(new PipelineProgress("install", ++done, sources.Count, Path.GetFileName(target)));
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

    // A local file that is not the pinned release: recognise the variant by its input size.
    private static string VariantFromShape(byte[] onnx, string path)
    {
        var model = global::Onnx.ModelProto.Parser.ParseFrom(onnx);
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();
        return dims switch
        {
            [1, 256, 256, 3] => "general",
            [1, 144, 256, 3] => "landscape",
            _ => throw new SynthstageException($"'{path}' is not a MediaPipe selfie segmentation model (input [{string.Join(",", dims)}]; expected [1,256,256,3] or [1,144,256,3])", ExitCodes.BadModel),
        };
    }
}
