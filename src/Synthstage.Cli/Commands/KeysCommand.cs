using System.CommandLine;
using System.Security.Cryptography;
using Synthstage.Cli.Console;
using Synthstage.Provenance.C2pa;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage keys export</c>: prints the certificate that signs this user's content credentials (creating the
/// self-made credential on first use), for others to compare with the signer <c>verify</c> names.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var export = new Command("export", "Print the certificate (PEM) that signs your content credentials, creating it on first use");
        export.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            var store = new C2paCredentialStore(SigningKeyStore.DefaultFolder());
            using var credential = store.GetOrCreate();
            System.Console.Write(credential.Signer.ExportCertificatePem() + "\n");
            System.Console.Error.WriteLine($"{credential.Signer.Subject}, sha256 {Convert.ToHexStringLower(SHA256.HashData(credential.Signer.RawData))}; " +
                $"self-made, so it proves integrity, not identity; private key in {store.KeyPath} (mode 600)");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return new Command("keys", "The credential that signs content credentials (C2PA)") { export };
    }
}
