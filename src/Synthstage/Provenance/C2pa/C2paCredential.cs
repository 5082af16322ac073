using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// What signs a C2PA claim: a P-256 key (ES256) and its certificate chain, the end-entity (signer) certificate first.
/// The chain goes into the signature's <c>x5chain</c> header without its self-signed root: a root is a trust anchor
/// a validator must already hold, and C2PA validators reject a self-signed certificate inside the chain.
/// </summary>
public sealed class C2paCredential : IDisposable
{
    /// <summary>The credential from a key and a chain (signer first).</summary>
    /// <exception cref="SynthstageException">The chain is empty, or the signer certificate is not the key's.</exception>
    public C2paCredential(ECDsa key, IReadOnlyList<X509Certificate2> chain)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Count == 0) throw new SynthstageException("a signing certificate chain needs at least the signer's certificate", ExitCodes.BadInput);
        using var certificateKey = chain[0].GetECDsaPublicKey()
            ?? throw new SynthstageException($"the signing certificate '{chain[0].Subject}' has no EC (ES256) public key", ExitCodes.BadInput);
        if (!certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            throw new SynthstageException($"the signing key does not belong to the certificate '{chain[0].Subject}'", ExitCodes.BadInput);
        if (key.KeySize != 256) throw new SynthstageException($"the signing key is a {key.KeySize}-bit EC key; ES256 needs P-256", ExitCodes.BadInput);
        Key = key;
        Chain = chain;
    }

    /// <summary>The private key.</summary>
    public ECDsa Key { get; }

    /// <summary>The certificate chain, signer first.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>The signer's certificate.</summary>
    public X509Certificate2 Signer => Chain[0];

    /// <summary>The DER certificates for <c>x5chain</c>: the chain without self-signed roots.</summary>
    public IReadOnlyList<byte[]> X5Chain() =>
        Chain.Where((c, i) => i == 0 || c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) is false).Select(c => c.RawData).ToArray();

    /// <summary>Loads a PEM certificate chain (signer first) and a PEM private key (PKCS#8 or SEC1).</summary>
    /// <exception cref="SynthstageException">A file is missing, unreadable, not PEM, or the key does not match.</exception>
    public static C2paCredential Load(string certificatePath, string keyPath)
    {
        X509Certificate2Collection certificates = [];
        ECDsa key = ECDsa.Create();
        try
        {
            certificates.ImportFromPemFile(certificatePath);
            key.ImportFromPem(File.ReadAllText(keyPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new SynthstageException($"cannot read the signing certificate '{certificatePath}' or key '{keyPath}': {e.Message}", ExitCodes.BadInput, e);
        }
        if (certificates.Count == 0)
        {
            key.Dispose();
            throw new SynthstageException($"'{certificatePath}' holds no PEM certificate", ExitCodes.BadInput);
        }
        return new C2paCredential(key, certificates.ToArray());
    }

    /// <summary>
    /// A new self-made chain: a root CA and an end-entity signer certificate that meets the C2PA certificate profile
    /// (v3, ECDSA P-256 with SHA-256, not a CA, digitalSignature key usage, document-signing EKU, subject and
    /// authority key identifiers). Nobody else trusts the root: it proves integrity, not identity.
    /// </summary>
    /// <param name="commonName">The name in the certificates (for example the user's login).</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity of the signer certificate.</param>
    public static C2paCredential CreateSelfMade(string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={Escape(commonName)} Synthstage root, O=Synthstage self-signed", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var rootSki = new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false);
        rootRequest.CertificateExtensions.Add(rootSki);
        rootRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(rootSki));
        using var root = rootRequest.CreateSelfSigned(notBefore, notAfter.AddYears(1));

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Escape(commonName)}, O=Synthstage self-signed", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(DocumentSigningEku)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var signer = request.Create(root, notBefore, notAfter, serial);
        return new C2paCredential(key, [signer, X509CertificateLoader.LoadCertificate(root.RawData)]);
    }

    /// <summary>id-kp-documentSigning (RFC 9336), one of the EKUs C2PA accepts for a claim signer.</summary>
    public const string DocumentSigningEku = "1.3.6.1.5.5.7.3.36";

    private static string Escape(string name) => new(name.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.').ToArray());

    /// <inheritdoc/>
    public void Dispose()
    {
        Key.Dispose();
        foreach (var certificate in Chain) certificate.Dispose();
    }
}
