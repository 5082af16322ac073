using System.Buffers.Binary;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// Reads C2PA manifest stores from JPEG APP11 segments (ISO 19566-5 JUMBF in JPEG: marker FFEB, length, "JP",
/// a 2-byte box instance, a 4-byte packet sequence number, then the box; later packets repeat the box's 8-byte header).
/// </summary>
public static class JpegManifestSegments
{
    /// <summary>The stores in <paramref name="jpeg"/>, one per box instance that is a C2PA store.</summary>
    /// <exception cref="JumbfFormatException">A segment runs past the end of the file.</exception>
    public static IReadOnlyList<byte[]> Find(byte[] jpeg)
    {
        var instances = new SortedDictionary<int, List<(uint Sequence, byte[] Data)>>();
        var offset = 2;
        while (offset + 4 <= jpeg.Length)
        {
            if (jpeg[offset] != 0xFF) throw new JumbfFormatException($"the JPEG marker at byte {offset} is malformed");
            var marker = jpeg[offset + 1];
            if (marker == 0xFF) { offset++; continue; }
            if (marker is 0xD9 or 0xDA) break; // end of image, or start of scan: no more metadata segments
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) { offset += 2; continue; }
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(offset + 2));
            if (length < 2 || offset + 2 + length > jpeg.Length) throw new JumbfFormatException($"the JPEG segment at byte {offset} runs past the end of the file");
            var body = jpeg.AsSpan(offset + 4, length - 2);
            if (marker == 0xEB && body.Length >= 16 && body[0] == (byte)'J' && body[1] == (byte)'P')
            {
                var instance = BinaryPrimitives.ReadUInt16BigEndian(body[2..]);
                var sequence = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                if (!instances.TryGetValue(instance, out var packets)) instances[instance] = packets = [];
                packets.Add((sequence, body[8..].ToArray()));
            }
            offset += 2 + length;
        }
        var stores = new List<byte[]>();
        foreach (var packets in instances.Values)
        {
            var ordered = packets.OrderBy(p => p.Sequence).ToList();
            using var joined = new MemoryStream();
            for (var i = 0; i < ordered.Count; i++) joined.Write(i == 0 ? ordered[i].Data : ordered[i].Data.AsSpan(Math.Min(8, ordered[i].Data.Length)));
            var bytes = joined.ToArray();
            if (bytes.Length >= 8 && bytes.AsSpan(4, 4).SequenceEqual("jumb"u8)) stores.Add(bytes);
        }
        return stores;
    }
}
