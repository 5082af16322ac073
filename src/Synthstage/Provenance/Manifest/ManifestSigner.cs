using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synthstage.Provenance.Manifest;

/// <summary>How a manifest's signature checked out.</summary>
public enum SignatureStatus
{
    /// <summary>The manifest has no signature.</summary>
    Missing,
    /// <summary>The signature matches the manifest's content and public key.</summary>
    Valid,
    /// <summary>The signature does not match: the manifest was changed after signing.</summary>
    Invalid,
}

/// <summary>Signs manifests and checks signatures over the canonical JSON (RFC 8785) of all members but <c>signature</c>.</summary>
public static class ManifestSigner
{
    /// <summary>Returns the manifest as signed, indented JSON.</summary>
    public static string Sign(ProvenanceManifest manifest, SigningKey key)
    {
        var node = JsonSerializer.SerializeToNode(manifest with { Signature = null }, ProvenanceManifest.JsonOptions)!.AsObject();
        var signature = key.Sign(CanonicalJson.Serialize(node));
        node["signature"] = JsonSerializer.SerializeToNode(
            new SignatureRecord("Ed25519", key.PublicKeyText, Convert.ToBase64String(signature)), ProvenanceManifest.JsonOptions);
        return node.ToJsonString(ProvenanceManifest.JsonOptions);
    }

    /// <summary>Checks the signature of a manifest given as JSON text, exactly as stored.</summary>
    /// <param name="json">The manifest JSON.</param>
    /// <param name="publicKey">The signer's public key when the signature is present and well-formed.</param>
    /// <exception cref="JsonException">The text is not a JSON object.</exception>
    public static SignatureStatus Verify(string json, out byte[]? publicKey)
    {
        publicKey = null;
        var node = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("a manifest is a JSON object");
        if (node["signature"] is not JsonObject signature) return SignatureStatus.Missing;
        node.Remove("signature");
        publicKey = SigningKey.ParsePublicKey(signature["publicKey"]?.GetValueKind() == JsonValueKind.String ? signature["publicKey"]!.GetValue<string>() : null);
        var value = signature["value"]?.GetValueKind() == JsonValueKind.String ? signature["value"]!.GetValue<string>() : null;
        if (publicKey is null || value is null) return SignatureStatus.Invalid;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return SignatureStatus.Invalid;
        }
        return SigningKey.Verify(publicKey, CanonicalJson.Serialize(node), bytes) ? SignatureStatus.Valid : SignatureStatus.Invalid;
    }
}
