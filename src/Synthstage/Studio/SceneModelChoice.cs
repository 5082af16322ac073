using Synthstage.Models;
using Synthstage.Models.Hub;

namespace Synthstage.Studio;

/// <summary>A Stable Diffusion model the prompt and walk pages offer: an installed diffusion catalog entry, or a
/// diffusers folder under the data folder's <c>models/</c> (a model of your own, or the tests' tiny forged ones).</summary>
/// <param name="Name">What the page sends back: the catalog id, or the folder relative to the data folder.</param>
/// <param name="Label">What the page shows.</param>
/// <param name="Licence">Its licence (catalog), or that it is unknown (a folder).</param>
/// <param name="Concern">A warning for restrictive licences, or null.</param>
public sealed record SceneModelChoice(string Name, string Label, string Licence, string? Concern)
{
    /// <summary>Where model folders of the data folder live.</summary>
    public const string FolderName = "models";

    /// <summary>The installed diffusion models (looking at the disk only, never the network), catalog entries first.</summary>
    public static IReadOnlyList<SceneModelChoice> All(ModelStore store, StudioDataFolder folder)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(folder);
        var hub = HubOptions.FromEnvironment();
        var catalog = ModelCatalog.All.Where(e => e.Task == "diffusion" && ModelInventory.Status(e, store, hub).Installed)
            .Select(e => new SceneModelChoice(e.Id, e.Id + " — " + e.Description, e.Licence, LicenceConcern.Of(e.Licence)));
        var root = Path.Combine(folder.Root, FolderName);
        var folders = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Where(IsDiffusersFolder).Order(StringComparer.Ordinal)
                .Select(d => new SceneModelChoice(folder.Relative(d), "folder " + folder.Relative(d), "unknown (a folder, not in the model catalog)", null))
            : [];
        return [.. catalog, .. folders];
    }

    /// <summary>
    /// The engine's model value for <paramref name="name"/>: null (the default, never downloaded implicitly), a diffusion
    /// catalog id, or the full path of a diffusers folder inside the data folder. Hub names and outside paths are refused:
    /// a page must not make the server download or read models from anywhere it likes.
    /// </summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: neither a diffusion catalog id nor a model folder of the data folder.</exception>
    public static string? Resolve(string? name, StudioDataFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (string.IsNullOrWhiteSpace(name)) return null;
        if (ModelCatalog.Find(name) is { Task: "diffusion" } entry) return entry.Id;
        string path;
        try
        {
            path = folder.Resolve(name);
        }
        catch (SynthstageException e)
        {
            throw new SynthstageException($"unknown scene model '{name}': choose one the page lists", ExitCodes.Usage, e);
        }
        if (!IsDiffusersFolder(path)) throw new SynthstageException($"unknown scene model '{name}': choose one the page lists", ExitCodes.Usage);
        return path;
    }

    /// <summary>The data-folder name of an engine model value (<see cref="Resolve"/>'s inverse), for settings read back from a manifest.</summary>
    public static string? NameOf(string? engineValue, StudioDataFolder? folder)
    {
        if (engineValue is null || folder is null || !Path.IsPathRooted(engineValue)) return engineValue;
        var relative = folder.Relative(engineValue);
        return relative.StartsWith("..", StringComparison.Ordinal) ? engineValue : relative;
    }

    private static bool IsDiffusersFolder(string path) => File.Exists(Path.Combine(path, "model_index.json")) && Directory.Exists(Path.Combine(path, "unet"));
}
