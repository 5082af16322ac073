using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;

namespace Synthstage.Provenance.C2pa;

/// <summary>What a claim signature says and whether it holds.</summary>
/// <param name="Valid">True when the signature over the claim verifies with the signer certificate's key (ECDSA or RSA-PSS).</param>
/// <param name="Checked">False when the signature could not be checked here (an algorithm .NET's COSE does not verify, such as Ed25519); <paramref name="Valid"/> is then false too.</param>
/// <param name="Algorithm">The COSE algorithm (ES256, …) or its number.</param>
/// <param name="Chain">The <c>x5chain</c> certificates, signer first (empty when absent or unreadable).</param>
/// <param name="SigningTime">The signer's stated time of signing (the CWT <c>iat</c> claim in the protected header), or null.</param>
/// <param name="Problem">Why the signature could not be checked, or null.</param>
public sealed record ClaimSignatureCheck(bool Valid, bool Checked, string Algorithm, IReadOnlyList<X509Certificate2> Chain, DateTimeOffset? SigningTime, string? Problem);

/// <summary>
/// The C2PA claim signature: a tagged COSE_Sign1 with a detached payload (the claim's CBOR bytes), ES256, the
/// certificate chain in the protected <c>x5chain</c> header (label 33) and the time of signing as the CWT <c>iat</c>
/// claim (RFC 9597, header label 15). A trusted time would need an RFC 3161 time-stamp authority, which Synthstage does
/// not call; the stated time is the signer's own word.
/// </summary>
public static class ClaimSignature
{
    private static readonly CoseHeaderLabel X5Chain = new(33);
    // Early C2PA writers put the chain under the text label in the unprotected header.
    private static readonly CoseHeaderLabel X5ChainText = new("x5chain");
    private static readonly CoseHeaderLabel CwtClaims = new(15);
    private const int IssuedAt = 6;

    /// <summary>Signs <paramref name="claim"/>; returns the COSE_Sign1 bytes for the signature box.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> claim, C2paCredential credential, DateTimeOffset signingTime)
    {
        var protectedHeaders = new CoseHeaderMap
        {
            { X5Chain, CoseHeaderValue.FromEncodedValue(EncodeChain(credential.X5Chain())) },
            { CwtClaims, CoseHeaderValue.FromEncodedValue(EncodeIssuedAt(signingTime)) },
        };
        var signer = new CoseSigner(credential.Key, HashAlgorithmName.SHA256, protectedHeaders, new CoseHeaderMap());
        return CoseSign1Message.SignDetached(claim, signer, ReadOnlySpan<byte>.Empty);
    }

    private static byte[] EncodeChain(IReadOnlyList<byte[]> chain)
    {
        var writer = new CborWriter();
        if (chain.Count == 1) writer.WriteByteString(chain[0]);
        else
        {
            writer.WriteStartArray(chain.Count);
            foreach (var der in chain) writer.WriteByteString(der);
            writer.WriteEndArray();
        }
        return writer.Encode();
    }

    private static byte[] EncodeIssuedAt(DateTimeOffset time)
    {
        var writer = new CborWriter();
        writer.WriteStartMap(1);
        writer.WriteInt32(IssuedAt);
        writer.WriteInt64(time.ToUnixTimeSeconds());
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>Checks a COSE_Sign1 claim signature against the claim bytes; never throws for bad input.</summary>
    public static ClaimSignatureCheck Verify(byte[] signature, ReadOnlySpan<byte> claim)
    {
        CoseSign1Message message;
        try
        {
            message = CoseMessage.DecodeSign1(signature);
        }
        catch (Exception e) when (e is CryptographicException or CborContentException or InvalidOperationException or ArgumentException)
        {
            return new ClaimSignatureCheck(false, true, "unknown", [], null, $"the claim signature is not a COSE_Sign1 structure ({e.Message})");
        }
        var algorithm = AlgorithmName(message);
        var chain = ReadChain(message);
        var time = ReadIssuedAt(message);
        if (chain.Count == 0) return new ClaimSignatureCheck(false, true, algorithm, chain, time, "the claim signature carries no signer certificate (x5chain)");
        using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)chain[0].GetECDsaPublicKey() ?? chain[0].GetRSAPublicKey() ?? RsaPssPublicKey(chain[0]);
        if (key is null) return new ClaimSignatureCheck(false, false, algorithm, chain, time, $"not checked: this verifier checks ECDSA and RSA-PSS signatures, not {algorithm}");
        try
        {
            var valid = message.Content is null
                ? message.VerifyDetached(key, claim, ReadOnlySpan<byte>.Empty)
                : message.VerifyEmbedded(key, ReadOnlySpan<byte>.Empty) && message.Content.Value.Span.SequenceEqual(claim);
            return new ClaimSignatureCheck(valid, true, algorithm, chain, time, valid ? null : "the claim signature does not match the claim: the claim or its signature was changed after signing");
        }
        catch (Exception e) when (e is CryptographicException or InvalidOperationException or ArgumentException)
        {
            return new ClaimSignatureCheck(false, false, algorithm, chain, time, $"not checked: {e.Message}");
        }
    }

    // .NET does not load a key whose algorithm is id-RSASSA-PSS; its bit string is still a plain RSAPublicKey.
    private static RSA? RsaPssPublicKey(X509Certificate2 certificate)
    {
        if (certificate.PublicKey.Oid.Value != "1.2.840.113549.1.1.10") return null;
        try
        {
            var rsa = RSA.Create();
            rsa.ImportRSAPublicKey(certificate.PublicKey.EncodedKeyValue.RawData, out _);
            return rsa;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string AlgorithmName(CoseSign1Message message)
    {
        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.Algorithm, out var value)) return "none";
        try
        {
            return value.GetValueAsInt32() switch { -7 => "ES256", -35 => "ES384", -36 => "ES512", -8 => "Ed25519", -37 => "PS256", -38 => "PS384", -39 => "PS512", var n => n.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }

    private static List<X509Certificate2> ReadChain(CoseSign1Message message)
    {
        var found = message.ProtectedHeaders.TryGetValue(X5Chain, out var value) || message.ProtectedHeaders.TryGetValue(X5ChainText, out value)
            || message.UnprotectedHeaders.TryGetValue(X5Chain, out value) || message.UnprotectedHeaders.TryGetValue(X5ChainText, out value);
        if (!found) return [];
        var certificates = new List<X509Certificate2>();
        try
        {
            var reader = new CborReader(value.EncodedValue);
            if (reader.PeekState() == CborReaderState.ByteString)
                certificates.Add(X509CertificateLoader.LoadCertificate(reader.ReadByteString()));
            else
            {
                reader.ReadStartArray();
                while (reader.PeekState() != CborReaderState.EndArray) certificates.Add(X509CertificateLoader.LoadCertificate(reader.ReadByteString()));
            }
        }
        catch (Exception e) when (e is CryptographicException or CborContentException or InvalidOperationException)
        {
            // An unreadable certificate leaves the ones read so far; a missing signer certificate is reported by the caller.
        }
        return certificates;
    }

    private static DateTimeOffset? ReadIssuedAt(CoseSign1Message message)
    {
        if (!message.ProtectedHeaders.TryGetValue(CwtClaims, out var value)) return null;
        try
        {
            var reader = new CborReader(value.EncodedValue);
            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                var isIssuedAt = reader.PeekState() is CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger
                    ? reader.ReadInt64() == IssuedAt
                    : SkipAndFalse(reader);
                if (isIssuedAt) return DateTimeOffset.FromUnixTimeSeconds(reader.ReadInt64());
                reader.SkipValue();
            }
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            // An unreadable time is reported as none.
        }
        return null;
    }

    private static bool SkipAndFalse(CborReader reader)
    {
        reader.SkipValue();
        return false;
    }
}
