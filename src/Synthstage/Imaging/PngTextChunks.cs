using System.Buffers.Binary;
using System.Text;

namespace Synthstage.Imaging;

/// <summary>
/// Inserts text chunks into an encoded PNG, right after IHDR: <c>tEXt</c> for Latin-1 values, <c>iTXt</c> (UTF-8)
/// for anything else, so prompts in any script survive. SkiaSharp's encoder cannot write text chunks itself.
/// </summary>
public static class PngTextChunks
{
    private static readonly byte[] s_signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly uint[] s_crcTable = BuildCrcTable();

    /// <summary>Returns <paramref name="png"/> with one text chunk per entry inserted after the IHDR chunk.</summary>
    /// <param name="png">A complete PNG file.</param>
    /// <param name="entries">Keyword (1–79 Latin-1 characters) and value pairs.</param>
    /// <exception cref="ArgumentException">Not a PNG, or a keyword is invalid.</exception>
    public static byte[] Insert(ReadOnlySpan<byte> png, IEnumerable<KeyValuePair<string, string>> entries)
    {
        if (png.Length < 33 || !png[..8].SequenceEqual(s_signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw new ArgumentException("not a PNG file with an IHDR chunk", nameof(png));
        var ihdrEnd = 8 + 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png[8..]);
        using var output = new MemoryStream(png.Length + 1024);
        output.Write(png[..ihdrEnd]);
        foreach (var (keyword, value) in entries)
        {
            if (keyword.Length is < 1 or > 79 || keyword.Any(c => c > 255 || c == 0))
                throw new ArgumentException($"PNG text keyword '{keyword}' must be 1–79 Latin-1 characters", nameof(entries));
            var key = Encoding.Latin1.GetBytes(keyword);
            if (value.All(c => c is >= ' ' and <= '\u00ff' or '\n'))
            {
                WriteChunk(output, "tEXt"u8, [.. key, 0, .. Encoding.Latin1.GetBytes(value)]);
            }
            else
            {
                // iTXt: keyword, 0, compression flag 0, method 0, empty language tag, 0, empty translated keyword, 0, UTF-8 text.
                WriteChunk(output, "iTXt"u8, [.. key, 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(value)]);
            }
        }
        output.Write(png[ihdrEnd..]);
        return output.ToArray();
    }

    /// <summary>Reads every tEXt and iTXt chunk of a PNG, in file order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(ReadOnlySpan<byte> png)
    {
        var result = new List<KeyValuePair<string, string>>();
        var offset = 8;
        while (offset + 12 <= png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            var type = png.Slice(offset + 4, 4);
            var data = png.Slice(offset + 8, length);
            var zero = data.IndexOf((byte)0);
            if (zero > 0 && type.SequenceEqual("tEXt"u8))
                result.Add(new(Encoding.Latin1.GetString(data[..zero]), Encoding.Latin1.GetString(data[(zero + 1)..])));
            else if (zero > 0 && type.SequenceEqual("iTXt"u8))
            {
                var rest = data[(zero + 3)..];
                rest = rest[(rest.IndexOf((byte)0) + 1)..];
                rest = rest[(rest.IndexOf((byte)0) + 1)..];
                result.Add(new(Encoding.Latin1.GetString(data[..zero]), Encoding.UTF8.GetString(rest)));
            }
            offset += 12 + length;
        }
        return result;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = Crc(0xFFFFFFFFu, type);
        crc = Crc(crc, data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>The CRC-32 a PNG chunk ends with, over its type and data.</summary>
    public static uint ChunkCrc(ReadOnlySpan<byte> typeAndData) => Crc(0xFFFFFFFFu, typeAndData) ^ 0xFFFFFFFFu;

    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
