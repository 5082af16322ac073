using System.Security.Cryptography;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Provenance.C2pa;

/// <summary>Where an output's C2PA manifest store went.</summary>
/// <param name="Path">The signed output, or the <c>.c2pa</c> sidecar for formats without an embedding.</param>
/// <param name="Embedded">True when the store is inside the output.</param>
/// <param name="Binding">The hard binding written (<c>c2pa.hash.data</c>, <c>c2pa.hash.bmff.v3</c>, <c>c2pa.hash.collection.data</c>).</param>
public sealed record C2paWritten(string Path, bool Embedded, string Binding);

/// <summary>
/// Signs a finished output with a C2PA manifest store: PNG <c>caBX</c> chunk, MP4/MOV top-level <c>uuid</c> box; WebM,
/// MKV and PNG-sequence folders (for which C2PA defines no embedding) get a <c>.c2pa</c> sidecar beside them. Every file is
/// written under a temporary name and renamed, so no half-signed output ever carries the final name.
/// </summary>
public static class C2paSigner
{
    /// <summary>The sidecar of an output that cannot embed a store: the output's name with the extension <c>.c2pa</c>.</summary>
    public static string SidecarPath(string outputPath)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath));
        return Directory.Exists(full) ? full + ".c2pa" : Path.ChangeExtension(full, ".c2pa");
    }

    /// <summary>True when the store goes inside the file (PNG, MP4, MOV), false for a sidecar.</summary>
    public static bool Embeds(string path) => !Directory.Exists(path) && Path.GetExtension(path).ToLowerInvariant() is ".png" or ".mp4" or ".mov" or ".m4v";

    /// <summary>Signs <paramref name="outputPath"/> with a store made from <paramref name="manifest"/>.</summary>
    /// <exception cref="SynthstageException">The output cannot be read, rewritten or is not the format its name says.</exception>
    public static async Task<C2paWritten> SignAsync(string outputPath, ProvenanceManifest manifest, C2paCredential credential, CancellationToken ct = default)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath));
        var content = C2paClaimContent.Assertions(manifest);
        var id = Guid.NewGuid();
        var title = Path.GetFileName(full);
        var time = DateTimeOffset.UtcNow;
        byte[] Build(C2paAssertion binding) => ManifestStoreBuilder.Build(id, [.. content, binding], title, credential, time);
        try
        {
            if (Directory.Exists(full))
                return await WriteSidecarAsync(full, Build(await CollectionHash.AssertionAsync(full, ct).ConfigureAwait(false)), C2paLabels.CollectionHash, ct).ConfigureAwait(false);
            var extension = Path.GetExtension(full).ToLowerInvariant();
            if (extension == ".png")
            {
                var png = await File.ReadAllBytesAsync(full, ct).ConfigureAwait(false);
                var signed = PngManifestChunk.Embed(png, Build);
                await ReplaceAsync(full, async temp => await File.WriteAllBytesAsync(temp, signed, ct).ConfigureAwait(false)).ConfigureAwait(false);
                return new C2paWritten(full, true, C2paLabels.DataHash);
            }
            if (extension is ".mp4" or ".mov" or ".m4v")
            {
                await ReplaceAsync(full, temp => AppendToBmffAsync(full, temp, Build, ct)).ConfigureAwait(false);
                return new C2paWritten(full, true, C2paLabels.BmffHash);
            }
            byte[] hash;
            await using (var stream = OpenRead(full))
                hash = await DataHash.ComputeAsync(stream, [], ct).ConfigureAwait(false);
            return await WriteSidecarAsync(full, Build(DataHash.Assertion(hash, [])), C2paLabels.DataHash, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new SynthstageException($"cannot sign '{outputPath}' with content credentials: {e.Message}", ExitCodes.BadOutput, e);
        }
    }

    // One streamed pass: read the finished file, hash its boxes and copy them to the temporary file, then append the box.
    private static async Task AppendToBmffAsync(string source, string temp, Func<C2paAssertion, byte[]> build, CancellationToken ct)
    {
        await using var input = OpenRead(source);
        var boxes = await BmffManifestBox.TopLevelBoxesAsync(input, ct).ConfigureAwait(false);
        if (boxes.Count == 0 || boxes[0].Type != "ftyp") throw new InvalidDataException("not an ISO BMFF file (it does not start with an ftyp box)");
        if (boxes.Any(b => b.IsC2pa)) throw new InvalidDataException("the file already carries a C2PA manifest store");
        await using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        var hash = await BmffManifestBox.ComputeHashAsync(input, boxes, BmffManifestBox.IsExcludedByDefault, ct, output).ConfigureAwait(false);
        await output.WriteAsync(BmffManifestBox.Box(build(BmffManifestBox.Assertion(hash))), ct).ConfigureAwait(false);
    }

    private static async Task<C2paWritten> WriteSidecarAsync(string output, byte[] store, string binding, CancellationToken ct)
    {
        var sidecar = SidecarPath(output);
        await ReplaceAsync(sidecar, async temp => await File.WriteAllBytesAsync(temp, store, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return new C2paWritten(sidecar, false, binding);
    }

    private static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);

    // Writes through a temporary name in the same folder and renames it over the target; the temporary file goes on failure.
    private static async Task ReplaceAsync(string target, Func<string, Task> write)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileNameWithoutExtension(target)}.{Environment.ProcessId}.{RandomNumberGenerator.GetHexString(6, lowercase: true)}.signing{Path.GetExtension(target)}");
        try
        {
            await write(temp).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
