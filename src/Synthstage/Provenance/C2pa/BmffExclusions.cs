using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// Checks a <c>c2pa.hash.bmff</c> binding written by any tool: exclusions by box path (nested ones too, such as
/// <c>/moov/trak/mdia/minf/stbl/stco</c>), with their length, version, flags, data and subset conditions, turned into
/// byte ranges; the file is then hashed without them, and for v2/v3 the offset of every top-level box not wholly
/// excluded goes into the hash (64-bit big-endian) where that box starts.
/// </summary>
public static class BmffExclusions
{
    // Boxes whose children are boxes (after a 4-byte version/flags header for the full boxes among them).
    private static readonly string[] Containers = ["moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "udta", "mvex", "moof", "traf", "mfra", "meta", "sinf", "schi", "iprp", "ipco", "ipro"];
    private static readonly string[] FullBoxes = ["meta", "tfhd", "trun", "stco", "co64", "iloc", "sidx", "tfdt", "mfhd", "tfra", "mfro", "saio", "saiz", "mvhd", "tkhd", "mdhd", "hdlr", "stsd", "stts", "stsc", "stsz"];

    private sealed record Box(string Path, string Type, long Offset, long Length, int HeaderLength, bool TopLevel);

    /// <summary>The SHA-256 the binding describes, computed over <paramref name="stream"/>.</summary>
    /// <param name="stream">The asset.</param>
    /// <param name="exclusions">The assertion's <c>exclusions</c> maps.</param>
    /// <param name="withOffsets">True for v2/v3 (top-level box offsets are hashed).</param>
    /// <param name="ct">Cancels hashing.</param>
    /// <exception cref="InvalidDataException">The box structure is broken.</exception>
    public static async Task<byte[]> HashAsync(Stream stream, IReadOnlyList<Dictionary<string, object?>> exclusions, bool withOffsets, CancellationToken ct = default)
    {
        var boxes = new List<Box>();
        await ReadBoxesAsync(stream, 0, stream.Length, "", boxes, depth: 0, ct).ConfigureAwait(false);
        var ranges = new List<(long Start, long Length)>();
        var topOffsets = boxes.Where(b => b.TopLevel).Select(b => b.Offset).ToHashSet();
        var header = new byte[4];
        foreach (var exclusion in exclusions)
        {
            var xpath = exclusion.Text("xpath") ?? "";
            foreach (var box in boxes.Where(b => b.Path == xpath))
            {
                if (exclusion.Integer("length") is { } wanted && wanted != box.Length) continue;
                if (FullBoxes.Contains(box.Type) && (exclusion.Integer("version") is not null || exclusion.GetValueOrDefault("flags") is byte[]))
                {
                    stream.Position = box.Offset + box.HeaderLength;
                    await stream.ReadExactlyAsync(header, ct).ConfigureAwait(false);
                    if (exclusion.Integer("version") is { } version && version != header[0]) continue;
                    if (exclusion.GetValueOrDefault("flags") is byte[] { Length: >= 3 } flags)
                    {
                        var want = (flags[0] << 16) | (flags[1] << 8) | flags[2];
                        var have = (header[1] << 16) | (header[2] << 8) | header[3];
                        var exact = exclusion.GetValueOrDefault("exact") as bool? ?? true;
                        if (exact ? want != have : (want | have) != want) continue;
                    }
                }
                if (!await DataMatchesAsync(stream, box, exclusion.List("data"), ct).ConfigureAwait(false)) continue;
                var subsets = exclusion.List("subset").OfType<Dictionary<string, object?>>().ToList();
                if (subsets.Count == 0)
                {
                    ranges.Add((box.Offset, box.Length));
                    topOffsets.Remove(box.Offset);
                    continue;
                }
                foreach (var subset in subsets)
                {
                    var offset = subset.Integer("offset") ?? 0;
                    var length = subset.Integer("length") ?? 0;
                    if (offset > box.Length) continue;
                    ranges.Add((box.Offset + offset, length == 0 ? box.Length - offset : Math.Min(length, box.Length - offset)));
                }
            }
        }
        return await HashRangesAsync(stream, ranges, withOffsets ? topOffsets : [], ct).ConfigureAwait(false);
    }

    private static async Task<bool> DataMatchesAsync(Stream stream, Box box, List<object?> data, CancellationToken ct)
    {
        foreach (var item in data.OfType<Dictionary<string, object?>>())
        {
            var offset = item.Integer("offset") ?? 0;
            if (item.GetValueOrDefault("value") is not byte[] value || offset < 0 || offset + value.Length > box.Length) return false;
            var read = new byte[value.Length];
            stream.Position = box.Offset + offset;
            await stream.ReadExactlyAsync(read, ct).ConfigureAwait(false);
            if (!read.AsSpan().SequenceEqual(value)) return false;
        }
        return true;
    }

    private static async Task ReadBoxesAsync(Stream stream, long start, long end, string parent, List<Box> boxes, int depth, CancellationToken ct)
    {
        if (depth > 12) throw new InvalidDataException("boxes nested too deeply");
        var header = new byte[16];
        var offset = start;
        while (offset + 8 <= end)
        {
            stream.Position = offset;
            await stream.ReadExactlyAsync(header.AsMemory(0, 8), ct).ConfigureAwait(false);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = Encoding.Latin1.GetString(header, 4, 4);
            var headerLength = 8;
            if (size == 1)
            {
                await stream.ReadExactlyAsync(header.AsMemory(8, 8), ct).ConfigureAwait(false);
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                headerLength = 16;
            }
            else if (size == 0)
                size = end - offset;
            if (size < headerLength || size > end - offset) throw new InvalidDataException($"the '{type}' box at byte {offset} states {size} bytes but {end - offset} remain");
            var path = parent + "/" + type;
            boxes.Add(new Box(path, type, offset, size, headerLength, depth == 0));
            if (Containers.Contains(type))
            {
                var skip = FullBoxes.Contains(type) ? 4 : 0;
                await ReadBoxesAsync(stream, offset + headerLength + skip, offset + size, path, boxes, depth + 1, ct).ConfigureAwait(false);
            }
            offset += size;
        }
    }

    // Hashes [0, length) minus the exclusions; at each listed top-level offset inside the hashed bytes, the offset itself
    // (8 bytes, big-endian) goes in first.
    private static async Task<byte[]> HashRangesAsync(Stream stream, List<(long Start, long Length)> exclusions, HashSet<long> offsets, CancellationToken ct)
    {
        var included = new List<(long Start, long End)> { (0, stream.Length) };
        foreach (var (start, length) in exclusions.Where(e => e.Length > 0))
        {
            var end = start + length;
            included = included.SelectMany(r => end <= r.Start || start >= r.End
                ? [r]
                : new[] { (r.Start, Math.Min(r.End, start)), (Math.Max(r.Start, end), r.End) }.Where(p => p.Item2 > p.Item1)).ToList();
        }
        var points = offsets.Order().ToList();
        var first = included.Count > 0 ? included[0].Start : 0;
        var last = included.Count > 0 ? included[^1].End - 1 : stream.Length - 1;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        var offsetBytes = new byte[8];
        // Offsets not inside any hashed range still count when they lie between the first and last hashed byte.
        var events = new List<(long At, bool IsOffset, long End)>();
        foreach (var (start, end) in included)
        {
            var cursor = start;
            foreach (var point in points.Where(p => p >= start && p < end))
            {
                if (point > cursor) events.Add((cursor, false, point));
                events.Add((point, true, point));
                cursor = point;
            }
            events.Add((cursor, false, end));
        }
        foreach (var point in points.Where(p => !included.Any(r => p >= r.Start && p < r.End) && p > first && p < last))
            events.Add((point, true, point));
        foreach (var (at, isOffset, end) in events.OrderBy(e => e.At).ThenBy(e => e.IsOffset ? 0 : 1))
        {
            if (isOffset)
            {
                BinaryPrimitives.WriteInt64BigEndian(offsetBytes, at);
                hash.AppendData(offsetBytes);
                continue;
            }
            stream.Position = at;
            await DataHash.CopyToHashAsync(stream, hash, end - at, buffer, ct).ConfigureAwait(false);
        }
        return hash.GetHashAndReset();
    }
}
