using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Synthstage.Provenance.Manifest;

/// <summary>An Ed25519 key pair that signs manifests (BouncyCastle's implementation, RFC 8032).</summary>
public sealed class SigningKey
{
    private readonly Ed25519PrivateKeyParameters _private;

    private SigningKey(Ed25519PrivateKeyParameters key)
    {
        _private = key;
        PublicKey = key.GeneratePublicKey().GetEncoded();
    }

    /// <summary>The 32-byte public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The public key as <c>ed25519:BASE64</c>, the form manifests and <c>keys export</c> use.</summary>
    public string PublicKeyText => FormatPublicKey(PublicKey);

    /// <summary>First 16 hex digits of the public key's SHA-256, for humans to compare.</summary>
    public string Fingerprint => FingerprintOf(PublicKey);

    /// <summary>A new random key.</summary>
    public static SigningKey Generate()
    {
        var seed = RandomNumberGenerator.GetBytes(Ed25519PrivateKeyParameters.KeySize);
        return new SigningKey(new Ed25519PrivateKeyParameters(seed));
    }

    /// <summary>The key with this 32-byte private seed.</summary>
    public static SigningKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519PrivateKeyParameters.KeySize)
            throw new ArgumentException($"an Ed25519 seed is {Ed25519PrivateKeyParameters.KeySize} bytes", nameof(seed));
        return new SigningKey(new Ed25519PrivateKeyParameters(seed.ToArray()));
    }

    /// <summary>The 32-byte private seed (to store the key).</summary>
    public byte[] ExportSeed() => _private.GetEncoded();

    /// <summary>Signs <paramref name="message"/>; returns the 64-byte signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>True when <paramref name="signature"/> is <paramref name="publicKey"/>'s signature of <paramref name="message"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize || signature.Length != 64) return false;
        Ed25519PublicKeyParameters key;
        try
        {
            key = new Ed25519PublicKeyParameters(publicKey.ToArray());
        }
        catch (ArgumentException)
        {
            // Not a point on the curve (an edited manifest's key): it verifies nothing.
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, key);
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <summary><c>ed25519:BASE64</c> of a public key.</summary>
    public static string FormatPublicKey(ReadOnlySpan<byte> publicKey) => "ed25519:" + Convert.ToBase64String(publicKey);

    /// <summary>Parses <c>ed25519:BASE64</c>; null when malformed.</summary>
    public static byte[]? ParsePublicKey(string? text)
    {
        if (text is null || !text.StartsWith("ed25519:", StringComparison.Ordinal)) return null;
        try
        {
            var bytes = Convert.FromBase64String(text["ed25519:".Length..]);
            return bytes.Length == Ed25519PublicKeyParameters.KeySize ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>First 16 hex digits of SHA-256(public key).</summary>
    public static string FingerprintOf(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];
}
