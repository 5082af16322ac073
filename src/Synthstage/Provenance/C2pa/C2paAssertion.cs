using System.Security.Cryptography;
using System.Text;

namespace Synthstage.Provenance.C2pa;

/// <summary>One assertion of a manifest: its label and its content, CBOR or JSON.</summary>
/// <param name="Label">The assertion label (<c>c2pa.actions.v2</c>, <c>c2pa.ingredient.v3__1</c>, …).</param>
/// <param name="Data">The CBOR or UTF-8 JSON bytes.</param>
/// <param name="IsJson">True for a JSON assertion.</param>
public sealed record C2paAssertion(string Label, byte[] Data, bool IsJson = false)
{
    /// <summary>A CBOR assertion of <paramref name="value"/> (see <see cref="CborTree"/>).</summary>
    public static C2paAssertion Cbor(string label, object value) => new(label, CborTree.Encode(value));

    /// <summary>A JSON assertion.</summary>
    public static C2paAssertion Json(string label, string json) => new(label, Encoding.UTF8.GetBytes(json), IsJson: true);

    /// <summary>The assertion's superbox in the assertion store.</summary>
    public JumbfSuperbox Box() => new(IsJson ? C2paLabels.JsonType : C2paLabels.CborType, Label, [new JumbfContentBox(IsJson ? "json" : "cbor", Data)]);

    /// <summary>SHA-256 over the superbox's payload (description and content), the hash a claim's reference carries.</summary>
    public byte[] Hash() => SHA256.HashData(Jumbf.EncodePayload(Box()));

    /// <summary>The hashed-URI map that references this assertion from the claim or from another assertion.</summary>
    public Dictionary<string, object?> Reference() => new() { ["url"] = C2paLabels.AssertionUri(Label), ["hash"] = Hash() };
}
