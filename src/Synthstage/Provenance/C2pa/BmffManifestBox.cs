using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Synthstage.Provenance.C2pa;

/// <summary>One top-level ISO BMFF box: its four-character type, where it starts and how long it is.</summary>
/// <param name="Type">The box type.</param>
/// <param name="Offset">Its first byte in the file.</param>
/// <param name="Length">Its size, header included.</param>
/// <param name="IsC2pa">True for a <c>uuid</c> box with the C2PA extended type.</param>
public sealed record BmffTopBox(string Type, long Offset, long Length, bool IsC2pa);

/// <summary>
/// A C2PA manifest store in an MP4/MOV: a top-level <c>uuid</c> box (C2PA extended type, purpose "manifest") appended
/// after the last box, so no chunk offset moves, bound by <c>c2pa.hash.bmff.v3</c>: SHA-256 over every top-level box
/// except <c>ftyp</c>, <c>mfra</c> and the C2PA box, each preceded by its file offset as a 64-bit big-endian number.
/// </summary>
public static class BmffManifestBox
{
    private static readonly string[] ExcludedTypes = ["ftyp", "mfra"];

    /// <summary>The BMFF hash assertion that <see cref="ComputeHashAsync"/> matches.</summary>
    public static C2paAssertion Assertion(byte[] hash)
    {
        var exclusions = new List<object?>
        {
            new Dictionary<string, object?>
            {
                ["xpath"] = "/uuid",
                ["data"] = new List<object?> { new Dictionary<string, object?> { ["offset"] = 8L, ["value"] = C2paLabels.BmffUuid } },
            },
        };
        exclusions.AddRange(ExcludedTypes.Select(t => (object?)new Dictionary<string, object?> { ["xpath"] = "/" + t }));
        return C2paAssertion.Cbor(C2paLabels.BmffHash, new Dictionary<string, object?>
        {
            ["exclusions"] = exclusions,
            ["alg"] = "sha256",
            ["hash"] = hash,
            ["name"] = "jumbf manifest",
        });
    }

    /// <summary>
    /// The top-level boxes of a BMFF stream, read from box headers only.
    /// </summary>
    /// <exception cref="InvalidDataException">A box header is truncated or a box runs past the end.</exception>
    public static async Task<IReadOnlyList<BmffTopBox>> TopLevelBoxesAsync(Stream stream, CancellationToken ct = default)
    {
        var boxes = new List<BmffTopBox>();
        var header = new byte[32];
        long offset = 0;
        while (offset < stream.Length)
        {
            stream.Position = offset;
            var got = await stream.ReadAtLeastAsync(header, 8, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (got < 8) throw new InvalidDataException($"a box header at byte {offset} is truncated");
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = Encoding.Latin1.GetString(header, 4, 4);
            var headerLength = 8;
            if (size == 1)
            {
                if (got < 16) throw new InvalidDataException($"the '{type}' box at byte {offset} has a truncated 64-bit size");
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                headerLength = 16;
            }
            else if (size == 0)
                size = stream.Length - offset;
            if (size < headerLength || size > stream.Length - offset)
                throw new InvalidDataException($"the '{type}' box at byte {offset} states {size} bytes but {stream.Length - offset} remain");
            var isC2pa = type == "uuid" && got >= headerLength + 16 && header.AsSpan(headerLength, 16).SequenceEqual(C2paLabels.BmffUuid);
            boxes.Add(new BmffTopBox(type, offset, size, isC2pa));
            offset += size;
        }
        return boxes;
    }

    /// <summary>
    /// The BMFF v2/v3 file hash: every top-level box not excluded, preceded by its offset, in one streamed pass;
    /// when <paramref name="copy"/> is given every byte read is written to it as well (the bytes of an excluded box too,
    /// except old C2PA boxes, which are dropped).
    /// </summary>
    public static async Task<byte[]> ComputeHashAsync(Stream stream, IReadOnlyList<BmffTopBox> boxes, Func<BmffTopBox, bool> excluded,
        CancellationToken ct = default, Stream? copy = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        var offsetBytes = new byte[8];
        foreach (var box in boxes)
        {
            stream.Position = box.Offset;
            if (excluded(box))
            {
                if (copy is not null && !box.IsC2pa) await CopyAsync(stream, copy, box.Length, buffer, ct).ConfigureAwait(false);
                continue;
            }
            BinaryPrimitives.WriteInt64BigEndian(offsetBytes, box.Offset);
            hash.AppendData(offsetBytes);
            await DataHash.CopyToHashAsync(stream, hash, box.Length, buffer, ct, copy).ConfigureAwait(false);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>The exclusion rule Synthstage writes: ftyp, mfra and C2PA uuid boxes.</summary>
    public static bool IsExcludedByDefault(BmffTopBox box) => box.IsC2pa || ExcludedTypes.Contains(box.Type);

    private static async Task CopyAsync(Stream from, Stream to, long count, byte[] buffer, CancellationToken ct)
    {
        while (count > 0)
        {
            var read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct).ConfigureAwait(false);
            if (read == 0) throw new EndOfStreamException("the file ended inside a box");
            await to.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            count -= read;
        }
    }

    /// <summary>The <c>uuid</c> box that carries <paramref name="store"/>.</summary>
    public static byte[] Box(byte[] store)
    {
        var purpose = "manifest"u8;
        var size = 8 + 16 + 4 + purpose.Length + 1 + 8 + store.Length;
        var box = new byte[size];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)size);
        "uuid"u8.CopyTo(box.AsSpan(4));
        C2paLabels.BmffUuid.CopyTo(box.AsSpan(8));
        // version and flags (4 bytes) are zero; then the purpose, its terminator, and the 8-byte offset of an
        // auxiliary Merkle box (0: none).
        purpose.CopyTo(box.AsSpan(28));
        store.CopyTo(box.AsSpan(28 + purpose.Length + 1 + 8));
        return box;
    }

    /// <summary>The manifest store inside a C2PA <c>uuid</c> box's bytes, or null when its purpose is not "manifest".</summary>
    public static byte[]? StoreOf(ReadOnlySpan<byte> box, int headerLength)
    {
        var body = box[(headerLength + 16 + 4)..];
        var end = body.IndexOf((byte)0);
        if (end < 0) throw new InvalidDataException("the C2PA uuid box has no purpose");
        var purpose = Encoding.ASCII.GetString(body[..end]);
        if (purpose != "manifest") return null;
        var rest = body[(end + 1)..];
        if (rest.Length < 8) throw new InvalidDataException("the C2PA uuid box is truncated");
        return rest[8..].ToArray();
    }
}
