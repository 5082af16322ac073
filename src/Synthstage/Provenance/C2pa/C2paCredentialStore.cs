using System.Security.Cryptography;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// Keeps the user's C2PA signing credential beside the manifest key (<see cref="Manifest.SigningKeyStore"/>'s folder):
/// <c>c2pa-signer.key.pem</c> (PKCS#8, mode 600) and <c>c2pa-chain.pem</c> (signer certificate, then the self-made
/// root). Created on first use; the signer certificate is valid for ten years.
/// </summary>
/// <param name="folder">The key folder.</param>
public sealed class C2paCredentialStore(string folder)
{
    /// <summary>File name of the private key.</summary>
    public const string KeyFileName = "c2pa-signer.key.pem";

    /// <summary>File name of the certificate chain.</summary>
    public const string ChainFileName = "c2pa-chain.pem";

    private static readonly Lock s_lock = new();

    /// <summary>The key folder.</summary>
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The private key file.</summary>
    public string KeyPath => Path.Combine(Folder, KeyFileName);

    /// <summary>The certificate chain file.</summary>
    public string ChainPath => Path.Combine(Folder, ChainFileName);

    /// <summary>Loads the credential, creating a self-made one on first use.</summary>
    /// <exception cref="SynthstageException">The files cannot be created, or are unreadable or do not match.</exception>
    public C2paCredential GetOrCreate()
    {
        lock (s_lock)
        {
            if (!File.Exists(KeyPath) || !File.Exists(ChainPath)) Create();
        }
        return C2paCredential.Load(ChainPath, KeyPath);
    }

    private void Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var credential = C2paCredential.CreateSelfMade(Environment.UserName is { Length: > 0 } user ? user : "synthstage user", now.AddMinutes(-5), now.AddYears(10));
        try
        {
            Directory.CreateDirectory(Folder);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var chain = string.Concat(credential.Chain.Select(c => c.ExportCertificatePem() + "\n"));
            WritePrivate(ChainPath, chain);
            WritePrivate(KeyPath, credential.Key.ExportPkcs8PrivateKeyPem() + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new SynthstageException($"cannot create the C2PA signing credential in '{Folder}': {e.Message}", ExitCodes.BadOutput, e);
        }
    }

    // Written to a temp name with mode 600 from the start, then renamed, so a reader never sees half a key.
    private static void WritePrivate(string path, string text)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(text);
        File.Move(temp, path, overwrite: true);
    }
}
