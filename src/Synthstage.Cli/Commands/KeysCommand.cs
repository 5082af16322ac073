using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage keys export</c>: prints the public key that signs this user's manifests (generating it on first use).</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var export = new Command("export", "Print the public key that signs your manifests (ed25519:BASE64), creating the key on first use");
        export.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            var store = SigningKeyStore.Default;
            var key = store.GetOrCreate();
            System.Console.WriteLine(key.PublicKeyText);
            System.Console.Error.WriteLine($"fingerprint {key.Fingerprint}; private key in {store.KeyPath} (mode 600)");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return new Command("keys", "The Ed25519 key that signs provenance manifests") { export };
    }
}
