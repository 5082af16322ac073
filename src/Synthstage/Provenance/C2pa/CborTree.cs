using System.Formats.Cbor;
using System.Text.Json.Nodes;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// CBOR as plain .NET values, for assertions and claims: maps are <see cref="Dictionary{TKey,TValue}"/> with text
/// keys (in insertion order), arrays are <see cref="List{T}"/>, byte strings <c>byte[]</c>, integers <c>long</c>, plus
/// text, booleans, doubles and null. Tags are dropped on reading (their content is kept).
/// </summary>
public static class CborTree
{
    /// <summary>CBOR bytes of <paramref name="value"/>.</summary>
    public static byte[] Encode(object? value)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        Write(writer, value);
        return writer.Encode();
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="writer"/>.</summary>
    public static void Write(CborWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(); break;
            case string s: writer.WriteTextString(s); break;
            case byte[] b: writer.WriteByteString(b); break;
            case bool b: writer.WriteBoolean(b); break;
            case int i: writer.WriteInt64(i); break;
            case long l: writer.WriteInt64(l); break;
            case ulong u: writer.WriteUInt64(u); break;
            case double d: writer.WriteDouble(d); break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                var entries = map.ToList();
                writer.WriteStartMap(entries.Count);
                foreach (var (key, item) in entries)
                {
                    writer.WriteTextString(key);
                    Write(writer, item);
                }
                writer.WriteEndMap();
                break;
            case System.Collections.IEnumerable list:
                var items = list.Cast<object?>().ToList();
                writer.WriteStartArray(items.Count);
                foreach (var item in items) Write(writer, item);
                writer.WriteEndArray();
                break;
            default: throw new ArgumentException($"no CBOR form for {value.GetType().Name}", nameof(value));
        }
    }

    /// <summary>Decodes one CBOR data item that fills <paramref name="data"/>.</summary>
    /// <exception cref="CborContentException">Not well-formed CBOR, or bytes after the item.</exception>
    public static object? Decode(ReadOnlyMemory<byte> data)
    {
        var reader = new CborReader(data, CborConformanceMode.Lax, allowMultipleRootLevelValues: false);
        var value = Read(reader, 0);
        if (reader.BytesRemaining != 0) throw new CborContentException($"{reader.BytesRemaining} bytes follow the CBOR item");
        return value;
    }

    private static object? Read(CborReader reader, int depth)
    {
        if (depth > 64) throw new CborContentException("CBOR nested too deeply");
        switch (reader.PeekState())
        {
            case CborReaderState.Tag:
                reader.ReadTag();
                return Read(reader, depth);
            case CborReaderState.StartMap:
                var count = reader.ReadStartMap();
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    var key = Read(reader, depth + 1);
                    map[Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? "null"] = Read(reader, depth + 1);
                }
                reader.ReadEndMap();
                return map;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                var list = new List<object?>();
                while (reader.PeekState() != CborReaderState.EndArray) list.Add(Read(reader, depth + 1));
                reader.ReadEndArray();
                return list;
            case CborReaderState.TextString: return reader.ReadTextString();
            case CborReaderState.StartIndefiniteLengthTextString: return reader.ReadTextString();
            case CborReaderState.ByteString:
            case CborReaderState.StartIndefiniteLengthByteString: return reader.ReadByteString();
            case CborReaderState.UnsignedInteger:
                var u = reader.ReadUInt64();
                return u <= long.MaxValue ? (long)u : (object)u;
            case CborReaderState.NegativeInteger: return reader.ReadInt64();
            case CborReaderState.Boolean: return reader.ReadBoolean();
            case CborReaderState.Null: reader.ReadNull(); return null;
            case CborReaderState.Undefined: reader.ReadSimpleValue(); return null;
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat: return reader.ReadDouble();
            case CborReaderState.SimpleValue: return (long)reader.ReadSimpleValue();
            default: throw new CborContentException($"unexpected CBOR item {reader.PeekState()}");
        }
    }

    /// <summary>The value as JSON, byte strings as base64 text (for reports).</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        byte[] b => JsonValue.Create(Convert.ToBase64String(b)),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        ulong u => JsonValue.Create(u),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Dictionary<string, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value)))),
        List<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>A map entry as text, or null.</summary>
    public static string? Text(this Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key) as string;

    /// <summary>A map entry as a map, or null.</summary>
    public static Dictionary<string, object?>? Map(this Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key) as Dictionary<string, object?>;

    /// <summary>A map entry as an array, or empty.</summary>
    public static List<object?> List(this Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key) as List<object?> ?? [];

    /// <summary>A map entry as an integer, or null.</summary>
    public static long? Integer(this Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key) as long?;
}
