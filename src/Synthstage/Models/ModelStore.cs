namespace Synthstage.Models;

/// <summary>
/// The cache folder that holds installed models: <c>$SYNTHSTAGE_HOME</c> when set, otherwise
/// <c>~/.cache/synthstage</c> (<c>$XDG_CACHE_HOME/synthstage</c> when that is set). One sub-folder per model id.
/// </summary>
public sealed class ModelStore
{
    /// <summary>Environment variable that overrides the store's location.</summary>
    public const string HomeVariable = "SYNTHSTAGE_HOME";

    /// <summary>Uses <paramref name="root"/> as the store's folder (created on first write).</summary>
    public ModelStore(string root) => Root = Path.GetFullPath(root);

    /// <summary>The store at its default location.</summary>
    public static ModelStore Default => new(DefaultRoot());

    /// <summary>The store's folder.</summary>
    public string Root { get; }

    /// <summary>Folder of one model (not necessarily present).</summary>
    public string ModelFolder(string modelId) => Path.Combine(Root, "models", modelId);

    /// <summary>Scratch folder for downloads and conversions in progress, on the same disk as the store.</summary>
    public string CreateScratchFolder()
    {
        var scratch = Path.Combine(Root, "tmp", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(scratch);
        return scratch;
    }

    /// <summary>The default location, honouring SYNTHSTAGE_HOME and XDG_CACHE_HOME.</summary>
    public static string DefaultRoot()
    {
        var home = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(home)) return home;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg, "synthstage");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "synthstage");
    }
}
