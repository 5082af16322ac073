using System.Security.Cryptography.X509Certificates;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// The parts of the C2PA certificate profile (specification §14.5) a signer certificate must meet: X.509 v3, valid at
/// the time in question, an ECDSA or Ed25519/RSA key, not a CA, a digitalSignature key usage, an allowed extended key
/// usage (not "any"), an authority key identifier.
/// </summary>
public static class C2paCredentialCheck
{
    // The EKUs the reference validator accepts for a claim signer (besides time stamping and OCSP signing).
    private static readonly string[] AllowedEkus = ["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36", "1.3.6.1.4.1.311.76.59.1.9", "1.3.6.1.4.1.62558.2.1"];

    /// <summary>What in <paramref name="signer"/> breaks the profile at time <paramref name="at"/>; empty when nothing does.</summary>
    public static IReadOnlyList<string> Problems(X509Certificate2 signer, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var problems = new List<string>();
        if (signer.Version != 3) problems.Add($"the signer certificate is X.509 v{signer.Version}, not v3");
        if (at < signer.NotBefore.ToUniversalTime()) problems.Add($"the signer certificate is not valid before {signer.NotBefore.ToUniversalTime():u}");
        if (at > signer.NotAfter.ToUniversalTime()) problems.Add($"the signer certificate expired on {signer.NotAfter.ToUniversalTime():u}");
        var basic = signer.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (basic?.CertificateAuthority == true) problems.Add("the signer certificate is a CA certificate");
        var usage = signer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is null || (usage.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
            problems.Add("the signer certificate lacks the digitalSignature key usage");
        else if ((usage.KeyUsages & X509KeyUsageFlags.KeyCertSign) != 0)
            problems.Add("the signer certificate may sign certificates (keyCertSign) though it is not a CA");
        var eku = signer.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        var ekus = eku?.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList() ?? [];
        if (eku is null) problems.Add("the signer certificate has no extended key usage");
        else if (ekus.Contains("2.5.29.37.0")) problems.Add("the signer certificate allows any extended key usage");
        else if (!ekus.Any(AllowedEkus.Contains)) problems.Add("the signer certificate has none of the extended key usages C2PA accepts (document signing, email protection, C2PA signing)");
        if (!signer.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Any()) problems.Add("the signer certificate has no authority key identifier");
        return problems;
    }

    /// <summary>True when the certificate signed itself (its issuer is its subject).</summary>
    public static bool IsSelfIssued(X509Certificate2 certificate) => certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    /// <summary>Refuses a credential a C2PA validator would reject, before any work is done.</summary>
    /// <exception cref="SynthstageException">The signer certificate breaks the profile now.</exception>
    public static void EnsureUsable(C2paCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var problems = Problems(credential.Signer, DateTimeOffset.UtcNow);
        if (problems.Count > 0)
            throw new SynthstageException($"cannot sign with '{credential.Signer.Subject}': {string.Join("; ", problems)}", ExitCodes.BadInput);
    }
}
