using System.Text.Json;
using Synthstage.Provenance.Manifest;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance;

/// <summary>
/// Checks a video or image: its C2PA content credentials (embedded or a <c>.c2pa</c> sidecar, from any tool), the
/// Ed25519-signed manifests older Synthstage versions wrote (sidecar <c>OUT.manifest.json</c> and embedded copy),
/// whether the file's hash is the one a manifest states, and the invisible watermark per one-second segment.
/// Damaged files and manifests give answers in the report, not exceptions.
/// </summary>
public static class ProvenanceVerifier
{
    /// <summary>Verifies <paramref name="path"/>.</summary>
    /// <param name="path">A video, image or PNG-sequence folder.</param>
    /// <param name="keyStore">Whose key counts as "this machine's"; null for the user's default store (never created here).</param>
    /// <param name="progress">Receives per-frame progress of the watermark scan.</param>
    /// <param name="ct">Cancels the check.</param>
    /// <exception cref="SynthstageException">The path does not exist (<see cref="ExitCodes.BadInput"/>).</exception>
    public static async Task<VerificationReport> VerifyAsync(string path, SigningKeyStore? keyStore = null,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var isFolder = Directory.Exists(path);
        if (!isFolder && !File.Exists(path)) throw new SynthstageException($"'{path}' does not exist", ExitCodes.BadInput);
        var store = keyStore ?? SigningKeyStore.Default;
        var localKey = store.Exists ? TryLocalKey(store) : null;

        var manifests = new List<ManifestCheck>();
        var sidecar = LegacySidecarPath(path);
        if (File.Exists(sidecar)) manifests.Add(Check("sidecar " + sidecar, await File.ReadAllTextAsync(sidecar, ct).ConfigureAwait(false), localKey));
        string? embedded = null;
        try
        {
            embedded = await ManifestContainer.ReadAsync(path, ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Unreadable container: reported through the watermark scan's problem below.
        }
        if (embedded is not null) manifests.Add(Check("embedded", embedded, localKey));

        string? sha = null;
        bool? matches = null;
        try
        {
            sha = (await FileDigest.ComputeAsync(path, ct).ConfigureAwait(false)).Sha256;
        }
        catch (IOException)
        {
            // Hash unavailable (unreadable file): leave it null.
        }
        var stated = manifests.FirstOrDefault(m => m.Signature == SignatureStatus.Valid && m.Manifest?.Output is not null)?.Manifest!.Output!.Sha256
            ?? manifests.FirstOrDefault(m => m.Manifest?.Output is not null)?.Manifest!.Output!.Sha256;
        if (stated is not null && sha is not null) matches = string.Equals(stated, sha, StringComparison.OrdinalIgnoreCase);

        var credentials = await CheckCredentialsAsync(path, store, ct).ConfigureAwait(false);
        var watermark = isFolder ? await ScanFolderAsync(path, progress, ct).ConfigureAwait(false) : await ScanAsync(path, progress, ct).ConfigureAwait(false);
        return new VerificationReport(Path.GetFullPath(path), sha, manifests, matches, watermark) { Credentials = credentials };
    }

    private static async Task<CredentialsCheck> CheckCredentialsAsync(string path, SigningKeyStore store, CancellationToken ct)
    {
        var search = await C2pa.C2paStoreLocator.FindAsync(path, ct).ConfigureAwait(false);
        var localSigner = LocalSigner(store);
        var checks = new List<C2pa.C2paManifestCheck>();
        foreach (var found in search.Stores)
            checks.Add(await C2pa.C2paValidator.ValidateAsync(found, path, localSigner, ct).ConfigureAwait(false));
        var embedded = search.Stores.Count(s => s.SidecarPath is null);
        var problem = search.Problem
            ?? (embedded > 1 ? $"the file carries {embedded} C2PA manifest stores; a file may carry only one, so none can be relied on" : null);
        return new CredentialsCheck(search.Container, checks, problem, embedded > 1);
    }

    // This user's C2PA signer certificate, if one was ever created (never created here).
    private static byte[]? LocalSigner(SigningKeyStore store)
    {
        var chain = Path.Combine(store.Folder, C2pa.C2paCredentialStore.ChainFileName);
        if (!File.Exists(chain)) return null;
        try
        {
            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            certificates.ImportFromPemFile(chain);
            return certificates.Count > 0 ? certificates[0].RawData : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    // Where Synthstage before content credentials wrote its Ed25519-signed sidecar: the output's path + ".manifest.json".
    private static string LegacySidecarPath(string outputPath) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath)) + ".manifest.json";

    private static SigningKey? TryLocalKey(SigningKeyStore store)
    {
        try
        {
            return store.GetOrCreate();
        }
        catch (SynthstageException)
        {
            return null; // an unreadable local key only means we cannot say "this machine's key"
        }
    }

    private static ManifestCheck Check(string source, string json, SigningKey? localKey)
    {
        SignatureStatus status;
        byte[]? publicKey;
        try
        {
            status = ManifestSigner.Verify(json, out publicKey);
        }
        catch (JsonException e)
        {
            return new ManifestCheck(source, SignatureStatus.Invalid, null, false, null, $"not valid JSON ({e.Message.Split('\n')[0]})");
        }
        ProvenanceManifest? manifest = null;
        string? problem = null;
        try
        {
            manifest = JsonSerializer.Deserialize<ProvenanceManifest>(json, ProvenanceManifest.JsonOptions);
        }
        catch (JsonException e)
        {
            problem = $"not a Synthstage manifest ({e.Message.Split('\n')[0]})";
        }
        var fingerprint = publicKey is null ? null : SigningKey.FingerprintOf(publicKey);
        var local = publicKey is not null && localKey is not null && publicKey.AsSpan().SequenceEqual(localKey.PublicKey);
        return new ManifestCheck(source, status, fingerprint, local, manifest, problem);
    }

    private static async Task<WatermarkCheck> ScanAsync(string path, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        IReadOnlyList<SegmentDetection> segments;
        try
        {
            segments = await WatermarkScanner.ScanAsync(path, progress: progress, ct: ct).ConfigureAwait(false);
        }
        catch (SynthstageException e)
        {
            return new WatermarkCheck(false, 0, 0, null, 0, false, e.Message, []);
        }
        return Summarize(segments);
    }

    private static async Task<WatermarkCheck> ScanFolderAsync(string folder, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var segments = new List<SegmentDetection>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.png").Order(StringComparer.Ordinal))
        {
            try
            {
                var found = await WatermarkScanner.ScanAsync(file, progress: progress, ct: ct).ConfigureAwait(false);
                segments.AddRange(found.Select(s => s with { Index = segments.Count }));
            }
            catch (SynthstageException)
            {
                // An undecodable frame in the folder counts as a frame without a mark.
            }
        }
        return segments.Count == 0
            ? new WatermarkCheck(false, 0, 0, null, 0, false, "the folder holds no readable PNG frames", [])
            : Summarize(segments);
    }

    /// <summary>The file-level verdict from per-segment detections.</summary>
    public static WatermarkCheck Summarize(IReadOnlyList<SegmentDetection> segments)
    {
        var found = segments.Where(s => s.Detection.Found).ToList();
        var top = found.GroupBy(s => s.Detection.Payload).OrderByDescending(g => g.Count()).FirstOrDefault();
        var agreeing = top?.Count() ?? 0;
        var verdict = agreeing >= (segments.Count <= 2 ? 1 : 2);
        return new WatermarkCheck(true, segments.Count, found.Count, top?.First().Detection.PayloadHex,
            top?.Max(s => s.Detection.Confidence) ?? 0, verdict, null, segments);
    }
}
