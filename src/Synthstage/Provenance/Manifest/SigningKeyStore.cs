namespace Synthstage.Provenance.Manifest;

/// <summary>
/// Keeps the user's manifest-signing key in their config folder: <c>$SYNTHSTAGE_HOME/keys</c> when that is set,
/// else <c>$XDG_CONFIG_HOME/synthstage</c>, else <c>~/.config/synthstage</c>. The key is generated on first use and
/// stored as <c>signing-key.ed25519</c> (the base64 private seed) readable by the owner only (mode 600).
/// </summary>
public sealed class SigningKeyStore
{
    /// <summary>File name of the private key inside <see cref="Folder"/>.</summary>
    public const string FileName = "signing-key.ed25519";

    private static readonly Lock s_lock = new();
    private SigningKey? _key;

    /// <summary>A store in <paramref name="folder"/>.</summary>
    public SigningKeyStore(string folder) => Folder = Path.GetFullPath(folder);

    /// <summary>The folder holding the key.</summary>
    public string Folder { get; }

    /// <summary>The key file.</summary>
    public string KeyPath => Path.Combine(Folder, FileName);

    /// <summary>The store in the user's config folder (see the class remarks for the order of precedence).</summary>
    public static SigningKeyStore Default => new(DefaultFolder());

    /// <summary>The user's config folder for Synthstage keys.</summary>
    public static string DefaultFolder()
    {
        var home = Environment.GetEnvironmentVariable("SYNTHSTAGE_HOME");
        if (!string.IsNullOrWhiteSpace(home)) return Path.Combine(home, "keys");
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrWhiteSpace(config))
            config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "synthstage");
    }

    /// <summary>True when the key file exists.</summary>
    public bool Exists => File.Exists(KeyPath);

    /// <summary>Loads the key, generating and saving a new one on first use.</summary>
    /// <exception cref="SynthstageException">The key file is unreadable or corrupt, or cannot be created.</exception>
    public SigningKey GetOrCreate()
    {
        if (_key is not null) return _key;
        lock (s_lock)
        {
            if (_key is not null) return _key;
            if (!File.Exists(KeyPath)) Create();
            return _key = Load();
        }
    }

    private void Create()
    {
        try
        {
            Directory.CreateDirectory(Folder);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var temp = Path.Combine(Folder, $".{FileName}.{Environment.ProcessId}.tmp");
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
                writer.WriteLine(Convert.ToBase64String(SigningKey.Generate().ExportSeed()));
            try
            {
                File.Move(temp, KeyPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(KeyPath))
            {
                File.Delete(temp); // another process created the key first: use theirs
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot create the signing key in '{Folder}': {e.Message}", ExitCodes.BadOutput, e);
        }
    }

    private SigningKey Load()
    {
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(KeyPath) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return SigningKey.FromSeed(Convert.FromBase64String(File.ReadAllText(KeyPath).Trim()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new SynthstageException($"the signing key '{KeyPath}' is unreadable or corrupt ({e.Message}); move it away to generate a new one", ExitCodes.Failure, e);
        }
    }
}
