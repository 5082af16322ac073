using Synthstage.Models;
using Synthstage.Upscaling;

namespace Synthstage.Tests.Upscaling;

/// <summary>
/// UpscalerJS's ESRGAN models for tests: installed once per machine into the test store through the real installer
/// (npm pack + our TF.js importer), and the package's own model.json for the direct-loop reference. Skips without npm or
/// its registry; a wrong pin fails (<see cref="NpmRegistry"/>).
/// </summary>
public static class EsrganTestModels
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string> Installed = [];
    private static string? _failure;

    /// <summary>Returns the installed ONNX file of <paramref name="name"/> (for example esrgan-x2), or skips.</summary>
    public static async Task<string> RequireAsync(string name)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Installed.ContainsKey(name) && _failure is null)
            {
                try
                {
                    Installed[name] = await EsrganModelInstaller.EnsureInstalledAsync(new ModelStore(TestModels.CacheRoot), EsrganModel.Parse(name), null, CancellationToken.None);
                }
                catch (SynthstageException e) when (NpmRegistry.IsUnavailable(e.Message))
                {
                    _failure = e.Message;
                }
            }
            if (!Installed.TryGetValue(name, out var path)) Assert.Skip($"the UpscalerJS ESRGAN models could not be installed here: {_failure}");
            return path!;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Extracts the package's model.json and shard of <paramref name="model"/> into a new folder and returns model.json's path.</summary>
    public static async Task<string> RequirePackageModelJsonAsync(EsrganModel model)
    {
        await RequireAsync(model.Name);
        var entry = ModelCatalog.Get(model.ModelId);
        var folder = Directory.CreateTempSubdirectory("ss-esrgan-").FullName;
        var files = entry.Files.Where(f => f.Variant == model.Variant).Select(f => new NpmPackageFile(f.Name, f.Sha256)).ToArray();
        var paths = await NpmPackageFetcher.FetchAsync(entry.Source.Package, entry.Source.Version, folder, files, CancellationToken.None);
        return paths.Single(p => p.EndsWith("model.json", StringComparison.Ordinal));
    }
}
