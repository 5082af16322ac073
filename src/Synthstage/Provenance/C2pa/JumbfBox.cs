using System.Buffers.Binary;
using System.Text;

namespace Synthstage.Provenance.C2pa;

/// <summary>A JUMBF box (ISO/IEC 19566-5): either a superbox (<c>jumb</c>) with its description, or a content box.</summary>
public abstract record JumbfBox;

/// <summary>
/// A <c>jumb</c> superbox: a description box (<c>jumd</c>: content-type UUID, toggles, label) followed by child boxes.
/// </summary>
/// <param name="ContentType">The 16-byte content-type UUID of the description box.</param>
/// <param name="Label">The description's label (C2PA addresses boxes by it).</param>
/// <param name="Children">The boxes inside, in order.</param>
public sealed record JumbfSuperbox(byte[] ContentType, string Label, IReadOnlyList<JumbfBox> Children) : JumbfBox
{
    /// <summary>The bytes after the superbox's header exactly as read (null for a box built in memory): what a hashed URI covers.</summary>
    public byte[]? RawPayload { get; init; }

    /// <summary>The payload a hash covers: as read, or as <see cref="Jumbf.EncodePayload"/> writes it.</summary>
    public byte[] PayloadBytes() => RawPayload ?? Jumbf.EncodePayload(this);

    /// <summary>The first child superbox labelled <paramref name="label"/>, or null.</summary>
    public JumbfSuperbox? Child(string label) => Children.OfType<JumbfSuperbox>().FirstOrDefault(b => b.Label == label);

    /// <summary>The first content box of the superbox, or null.</summary>
    public JumbfContentBox? Content => Children.OfType<JumbfContentBox>().FirstOrDefault();
}

/// <summary>A content box: a four-character type (<c>cbor</c>, <c>json</c>, <c>bidb</c>, …) and its payload.</summary>
/// <param name="Type">The box type.</param>
/// <param name="Payload">The bytes after the box header.</param>
public sealed record JumbfContentBox(string Type, byte[] Payload) : JumbfBox;

/// <summary>A JUMBF structure that does not parse: truncated, a size running past its parent, no description.</summary>
public sealed class JumbfFormatException(string message) : Exception(message);

/// <summary>Writes and reads JUMBF boxes: 4-byte big-endian size, 4-character type, payload.</summary>
public static class Jumbf
{
    // Toggles of a description box: requestable (bit 0) and label present (bit 1), as C2PA writes them.
    private const byte RequestableWithLabel = 0x03;

    /// <summary>The encoded box, header included.</summary>
    public static byte[] Encode(JumbfBox box)
    {
        using var stream = new MemoryStream();
        Write(stream, box);
        return stream.ToArray();
    }

    /// <summary>
    /// The superbox's payload without its own 8-byte header: its description box and children. C2PA hashes an
    /// assertion over exactly these bytes.
    /// </summary>
    public static byte[] EncodePayload(JumbfSuperbox box)
    {
        using var stream = new MemoryStream();
        WritePayload(stream, box);
        return stream.ToArray();
    }

    private static void Write(Stream output, JumbfBox box)
    {
        switch (box)
        {
            case JumbfSuperbox super:
                var payload = EncodePayload(super);
                WriteHeader(output, "jumb", payload.Length);
                output.Write(payload);
                break;
            case JumbfContentBox content:
                WriteHeader(output, content.Type, content.Payload.Length);
                output.Write(content.Payload);
                break;
        }
    }

    private static void WritePayload(Stream output, JumbfSuperbox box)
    {
        if (box.ContentType.Length != 16) throw new ArgumentException("a JUMBF content type is a 16-byte UUID", nameof(box));
        var label = Encoding.UTF8.GetBytes(box.Label);
        WriteHeader(output, "jumd", 16 + 1 + label.Length + 1);
        output.Write(box.ContentType);
        output.WriteByte(RequestableWithLabel);
        output.Write(label);
        output.WriteByte(0);
        foreach (var child in box.Children) Write(output, child);
    }

    private static void WriteHeader(Stream output, string type, int payloadLength)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)(payloadLength + 8)));
        Encoding.ASCII.GetBytes(type, header[4..]);
        output.Write(header);
    }

    /// <summary>Parses one superbox that fills <paramref name="data"/>.</summary>
    /// <exception cref="JumbfFormatException">The bytes are not one well-formed JUMBF superbox.</exception>
    public static JumbfSuperbox Decode(ReadOnlySpan<byte> data)
    {
        var (type, payload, length) = ReadBox(data);
        if (type != "jumb") throw new JumbfFormatException($"expected a JUMBF superbox (jumb), found '{type}'");
        if (length != data.Length) throw new JumbfFormatException($"{data.Length - length} bytes follow the manifest store");
        return DecodeSuperbox(data.Slice(8, payload), depth: 0);
    }

    private static JumbfSuperbox DecodeSuperbox(ReadOnlySpan<byte> payload, int depth)
    {
        if (depth > 16) throw new JumbfFormatException("JUMBF boxes nested too deeply");
        var (type, length, total) = ReadBox(payload);
        if (type != "jumd") throw new JumbfFormatException($"a JUMBF superbox must start with its description box (jumd), found '{type}'");
        var description = payload.Slice(8, length);
        if (description.Length < 17) throw new JumbfFormatException("a JUMBF description box is shorter than 17 bytes");
        var contentType = description[..16].ToArray();
        var toggles = description[16];
        var label = "";
        if ((toggles & 0x02) != 0)
        {
            var rest = description[17..];
            var end = rest.IndexOf((byte)0);
            if (end < 0) throw new JumbfFormatException("a JUMBF label is not terminated");
            label = Encoding.UTF8.GetString(rest[..end]);
        }
        var children = new List<JumbfBox>();
        var offset = total;
        while (offset < payload.Length)
        {
            var (childType, childLength, childTotal) = ReadBox(payload[offset..]);
            var body = payload.Slice(offset + childTotal - childLength, childLength);
            children.Add(childType == "jumb" ? DecodeSuperbox(body, depth + 1) : new JumbfContentBox(childType, body.ToArray()));
            offset += childTotal;
        }
        return new JumbfSuperbox(contentType, label, children) { RawPayload = payload.ToArray() };
    }

    // Returns the type, the payload length and the whole box length (header included).
    private static (string Type, int PayloadLength, int Total) ReadBox(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) throw new JumbfFormatException("a JUMBF box header is truncated");
        var size = BinaryPrimitives.ReadUInt32BigEndian(data);
        var type = Encoding.ASCII.GetString(data.Slice(4, 4));
        var header = 8;
        ulong total = size;
        if (size == 1)
        {
            if (data.Length < 16) throw new JumbfFormatException("a JUMBF extended box header is truncated");
            total = BinaryPrimitives.ReadUInt64BigEndian(data[8..]);
            header = 16;
        }
        else if (size == 0)
            total = (ulong)data.Length;
        if (total < (ulong)header || total > (ulong)data.Length)
            throw new JumbfFormatException($"the JUMBF box '{type}' states {total} bytes but {data.Length} remain");
        return (type, (int)total - header, (int)total);
    }
}
