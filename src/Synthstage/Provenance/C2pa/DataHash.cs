using System.Security.Cryptography;

namespace Synthstage.Provenance.C2pa;

/// <summary>The <c>c2pa.hash.data</c> hard binding: SHA-256 over the whole file except its exclusion ranges.</summary>
public static class DataHash
{
    /// <summary>The assertion for a hash and its exclusions (start, length).</summary>
    public static C2paAssertion Assertion(byte[] hash, IReadOnlyList<(long Start, long Length)> exclusions) =>
        C2paAssertion.Cbor(C2paLabels.DataHash, new Dictionary<string, object?>
        {
            ["exclusions"] = exclusions.Select(e => (object?)new Dictionary<string, object?> { ["start"] = e.Start, ["length"] = e.Length }).ToList(),
            ["name"] = "jumbf manifest",
            ["alg"] = "sha256",
            ["hash"] = hash,
            ["pad"] = Array.Empty<byte>(),
        });

    /// <summary>SHA-256 of <paramref name="stream"/> from its start, skipping the exclusion ranges, in one pass.</summary>
    /// <exception cref="InvalidDataException">An exclusion runs past the end of the data.</exception>
    public static async Task<byte[]> ComputeAsync(Stream stream, IReadOnlyList<(long Start, long Length)> exclusions, CancellationToken ct = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long position = 0;
        var sorted = exclusions.Where(e => e.Length > 0).OrderBy(e => e.Start).ToList();
        if (sorted.Any(e => e.Start < 0 || e.Start + e.Length > stream.Length)) throw new InvalidDataException("a hash exclusion runs past the end of the file");
        stream.Position = 0;
        foreach (var (start, length) in sorted.Append((stream.Length, 0L)))
        {
            if (start > position) await CopyToHashAsync(stream, hash, start - position, buffer, ct).ConfigureAwait(false);
            var end = Math.Max(position, start + length);
            if (end > stream.Position) stream.Position = end;
            position = Math.Max(position, end);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Hashes the next <paramref name="count"/> bytes of <paramref name="stream"/>.</summary>
    internal static async Task CopyToHashAsync(Stream stream, IncrementalHash hash, long count, byte[] buffer, CancellationToken ct, Stream? copy = null)
    {
        while (count > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct).ConfigureAwait(false);
            if (read == 0) throw new EndOfStreamException("the file ended before the hashed range did");
            hash.AppendData(buffer, 0, read);
            if (copy is not null) await copy.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            count -= read;
        }
    }
}
