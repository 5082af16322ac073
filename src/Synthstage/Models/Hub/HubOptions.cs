namespace Synthstage.Models.Hub;

/// <summary>
/// How to reach the Hugging Face Hub and where its cache is, with the same environment variables as
/// <c>huggingface_hub</c> so a cache filled by Python tools is shared.
/// </summary>
public sealed record HubOptions
{
    /// <summary>Base URL of the Hub (<c>HF_ENDPOINT</c>), without a trailing slash.</summary>
    public string Endpoint { get; init; } = "https://huggingface.co";

    /// <summary>Access token sent as <c>Authorization: Bearer</c> (<c>HF_TOKEN</c>, or the file written by
    /// <c>huggingface-cli login</c>); null for anonymous access.</summary>
    public string? Token { get; init; }

    /// <summary>The cache folder holding <c>models--org--name</c> folders (<c>HF_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>).</summary>
    public string CacheFolder { get; init; } = DefaultCacheFolder();

    /// <summary>Use the cache only and never connect (<c>HF_HUB_OFFLINE=1</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>How many files download at once.</summary>
    public int MaxParallelDownloads { get; init; } = 4;

    /// <summary>How many times one file's download is resumed after the connection drops, within one call.</summary>
    public int MaxResumes { get; init; } = 3;

    /// <summary>Options read from <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HUB_OFFLINE</c>, <c>HF_HUB_CACHE</c> and <c>HF_HOME</c>.</summary>
    public static HubOptions FromEnvironment()
    {
        var endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");
        return new HubOptions
        {
            Endpoint = string.IsNullOrWhiteSpace(endpoint) ? "https://huggingface.co" : endpoint.TrimEnd('/'),
            Token = TokenFromEnvironment(),
            CacheFolder = DefaultCacheFolder(),
            Offline = IsTrue(Environment.GetEnvironmentVariable("HF_HUB_OFFLINE")),
        };
    }

    /// <summary>The cache folder <c>huggingface_hub</c> would use in this environment.</summary>
    public static string DefaultCacheFolder()
    {
        var cache = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        if (!string.IsNullOrWhiteSpace(cache)) return Path.GetFullPath(cache);
        return Path.Combine(HfHome(), "hub");
    }

    private static string HfHome()
    {
        var home = Environment.GetEnvironmentVariable("HF_HOME");
        if (!string.IsNullOrWhiteSpace(home)) return Path.GetFullPath(home);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var cacheRoot = string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(cacheRoot, "huggingface");
    }

    private static string? TokenFromEnvironment()
    {
        var token = Environment.GetEnvironmentVariable("HF_TOKEN");
        if (!string.IsNullOrWhiteSpace(token)) return token.Trim();
        var tokenPath = Environment.GetEnvironmentVariable("HF_TOKEN_PATH");
        if (string.IsNullOrWhiteSpace(tokenPath)) tokenPath = Path.Combine(HfHome(), "token");
        try
        {
            return File.Exists(tokenPath) ? File.ReadAllText(tokenPath).Trim() is { Length: > 0 } t ? t : null : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static bool IsTrue(string? value) =>
        value?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";
}
