using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synthstage.Provenance.Manifest;

/// <summary>
/// The bytes a manifest signature covers: JSON in the canonical form of RFC 8785 (JCS) for the values manifests use —
/// object members sorted by their UTF-16 code units, no insignificant whitespace, strings with only the mandatory
/// escapes, integers as plain digits, other numbers in shortest round-trip form — encoded as UTF-8.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Canonical UTF-8 bytes of <paramref name="node"/>.</summary>
    public static byte[] Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Write(StringBuilder output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                output.Append("null");
                break;
            case JsonObject obj:
                output.Append('{');
                var first = true;
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) output.Append(',');
                    first = false;
                    WriteString(output, name);
                    output.Append(':');
                    Write(output, value);
                }
                output.Append('}');
                break;
            case JsonArray array:
                output.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.Append(',');
                    Write(output, array[i]);
                }
                output.Append(']');
                break;
            case JsonValue value:
                var element = value.GetValue<JsonElement>();
                switch (element.ValueKind)
                {
                    case JsonValueKind.String:
                        WriteString(output, element.GetString()!);
                        break;
                    case JsonValueKind.Number:
                        output.Append(element.TryGetInt64(out var integer)
                            ? integer.ToString(CultureInfo.InvariantCulture)
                            : element.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case JsonValueKind.True:
                        output.Append("true");
                        break;
                    case JsonValueKind.False:
                        output.Append("false");
                        break;
                    default:
                        output.Append("null");
                        break;
                }
                break;
        }
    }

    private static void WriteString(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                default:
                    if (c < 0x20) output.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else output.Append(c);
                    break;
            }
        }
        output.Append('"');
    }
}
