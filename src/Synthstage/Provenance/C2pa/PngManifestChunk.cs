using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// A C2PA manifest store in a PNG: one <c>caBX</c> chunk right after <c>IHDR</c>, bound by <c>c2pa.hash.data</c> with
/// that chunk as the one exclusion (so the hash is the SHA-256 of the PNG as it was before the chunk went in).
/// </summary>
public static class PngManifestChunk
{
    /// <summary>The chunk type.</summary>
    public const string ChunkType = "caBX";

    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>True when <paramref name="head"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> head) => head.StartsWith(Signature);

    /// <summary>The PNG with the store inserted; <paramref name="buildStore"/> gets the data-hash assertion and returns the store.</summary>
    /// <exception cref="SynthstageException">Not a PNG, or the PNG already carries a manifest store.</exception>
    public static byte[] Embed(byte[] png, Func<C2paAssertion, byte[]> buildStore)
    {
        var chunks = Chunks(png);
        if (chunks.Count == 0 || chunks[0].Type != "IHDR") throw new SynthstageException("not a PNG file (no IHDR chunk first)", ExitCodes.BadInput);
        if (chunks.Any(c => c.Type == ChunkType)) throw new SynthstageException("the PNG already carries a C2PA manifest store", ExitCodes.BadInput);
        var insertAt = chunks[0].Offset + chunks[0].Length;
        var hash = SHA256.HashData(png);
        var length = 0L;
        byte[] store;
        // The exclusion's length is written inside the store it measures: rebuild until the size stops changing.
        while (true)
        {
            store = buildStore(DataHash.Assertion(hash, [(insertAt, length)]));
            var chunkLength = 12L + store.Length;
            if (chunkLength == length) break;
            length = chunkLength;
        }
        var output = new byte[png.Length + length];
        png.AsSpan(0, insertAt).CopyTo(output);
        WriteChunk(output.AsSpan(insertAt), store);
        png.AsSpan(insertAt).CopyTo(output.AsSpan(insertAt + (int)length));
        return output;
    }

    private static void WriteChunk(Span<byte> output, byte[] data)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output, (uint)data.Length);
        Encoding.ASCII.GetBytes(ChunkType, output[4..]);
        data.CopyTo(output[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(output[(8 + data.Length)..], Imaging.PngTextChunks.ChunkCrc(output.Slice(4, 4 + data.Length)));
    }

    /// <summary>The manifest stores (caBX payloads) in a PNG with their chunk's offset and length.</summary>
    /// <exception cref="JumbfFormatException">A chunk runs past the end of the file.</exception>
    public static IReadOnlyList<(byte[] Store, long Offset, long Length)> Find(byte[] png)
    {
        var found = new List<(byte[], long, long)>();
        foreach (var chunk in Chunks(png))
            if (chunk.Type == ChunkType) found.Add((png.AsSpan(chunk.Offset + 8, chunk.Length - 12).ToArray(), chunk.Offset, chunk.Length));
        return found;
    }

    private static List<(string Type, int Offset, int Length)> Chunks(byte[] png)
    {
        if (!IsPng(png)) throw new SynthstageException("not a PNG file", ExitCodes.BadInput);
        var chunks = new List<(string, int, int)>();
        var offset = Signature.Length;
        while (offset + 12 <= png.Length)
        {
            var dataLength = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            if (dataLength > (uint)(png.Length - offset - 12)) throw new JumbfFormatException($"the PNG chunk '{type}' at byte {offset} runs past the end of the file");
            chunks.Add((type, offset, (int)dataLength + 12));
            offset += (int)dataLength + 12;
            if (type == "IEND") break;
        }
        return chunks;
    }
}
