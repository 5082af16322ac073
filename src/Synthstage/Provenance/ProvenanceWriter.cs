using System.Reflection;
using Synthstage.Provenance.Manifest;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance;

/// <summary>Where a finished output's content credentials went.</summary>
/// <param name="ContentId">The output's content id (its first 8 hex digits are the watermark's payload).</param>
/// <param name="C2pa">Where the C2PA manifest store went (inside the output, or its <c>.c2pa</c> sidecar).</param>
public sealed record ManifestWritten(string ContentId, C2pa.C2paWritten C2pa)
{
    /// <summary>True when the store is inside the output.</summary>
    public bool Embedded => C2pa.Embedded;
}

/// <summary>
/// Finishes an output's provenance once the output file is complete: builds the provenance record from the job's
/// <see cref="ProvenanceRecord"/> and the <see cref="OutputStamp"/> and signs the output with C2PA content credentials
/// (<see cref="C2pa.C2paSigner"/>): embedded in PNG, MP4 and MOV, a <c>.c2pa</c> sidecar for WebM and PNG sequences.
/// </summary>
public static class ProvenanceWriter
{
    /// <summary>Name and parameters of the watermark scheme, as recorded.</summary>
    public static string WatermarkScheme { get; } =
        $"synthstage-dft-ring/1: {WatermarkLayout.TileSize}px periodic tile, {WatermarkLayout.PayloadBits}-bit payload + CRC-16, rate-1/2 K=7 convolutional code, luma";

    /// <summary>Signs a completed output; does nothing (returns null) when manifests are off.</summary>
    /// <param name="outputPath">The completed output file or folder.</param>
    /// <param name="stamp">The stamp whose content id and watermark the frames carry.</param>
    /// <param name="record">What the job did.</param>
    /// <param name="ct">Cancels hashing and embedding.</param>
    /// <exception cref="SynthstageException">The key, the embedding or the sidecar could not be written.</exception>
    public static async Task<ManifestWritten?> WriteAsync(string outputPath, OutputStamp stamp, ProvenanceRecord record, CancellationToken ct = default) =>
        await CompleteAsync(outputPath, await PrepareAsync(stamp, record, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>
    /// Builds the provenance record of an output and loads the signing credential before the output is written, so
    /// the work overlaps model loading and a bad credential fails before the render. The job's record must be
    /// complete: inputs and models are hashed now.
    /// </summary>
    /// <returns>Null when manifests are off.</returns>
    /// <exception cref="SynthstageException">The signing credential could not be read, created or used.</exception>
    public static async Task<PreparedManifest?> PrepareAsync(OutputStamp stamp, ProvenanceRecord record, CancellationToken ct = default)
    {
        var options = stamp.Options;
        if (!options.Manifest) return null;
        var keyStore = options.KeyStore ?? SigningKeyStore.Default;
        // Loaded before the work starts, so a wrong --sign-cert/--sign-key fails at once rather than after the render.
        var credential = options.SigningCredential is { } files
            ? C2pa.C2paCredential.Load(files.CertificatePath, files.KeyPath)
            : new C2pa.C2paCredentialStore(keyStore.Folder).GetOrCreate();
        C2pa.C2paCredentialCheck.EnsureUsable(credential);

        var inputs = new List<FileRecord>();
        foreach (var (role, path) in record.Inputs)
            if (File.Exists(path) || Directory.Exists(path)) inputs.Add(await FileDigest.RecordAsync(role, path, ct).ConfigureAwait(false));
        var models = new List<ModelRecord>();
        foreach (var (role, id, path, licence) in record.Models)
        {
            var hash = File.Exists(path) ? (await FileDigest.ComputeAsync(path, ct).ConfigureAwait(false)).Sha256 : "missing";
            models.Add(new ModelRecord(role, id, Path.GetFileName(path), hash, licence));
        }

        var manifest = new ProvenanceManifest
        {
            ContentId = stamp.ContentId,
            Tool = new ToolRecord("synthstage", ToolVersion),
            Command = record.Command,
            Arguments = options.CommandLine,
            Parameters = record.Parameters,
            Inputs = inputs,
            Models = models,
            Prompts = record.Prompts,
            Seeds = record.Seeds,
            Parts = record.Parts,
            Watermark = stamp.Watermarks
                ? new WatermarkRecord(true, stamp.Payload.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), WatermarkScheme)
                : new WatermarkRecord(false, null, WatermarkScheme, options.WatermarkNote ?? "disabled with --no-watermark"),
            Label = string.IsNullOrWhiteSpace(options.Label) ? null : options.Label.Trim(),
            Started = record.Started,
            Finished = DateTimeOffset.UtcNow,
        };
        return new PreparedManifest(manifest, credential);
    }

    /// <summary>Signs a completed output with content credentials; the last change to the file.</summary>
    /// <param name="outputPath">The completed output file or folder.</param>
    /// <param name="prepared">The record from <see cref="PrepareAsync"/>; null when manifests are off (nothing is written).</param>
    /// <param name="ct">Cancels hashing and signing.</param>
    /// <exception cref="SynthstageException">The output could not be signed.</exception>
    public static async Task<ManifestWritten?> CompleteAsync(string outputPath, PreparedManifest? prepared, CancellationToken ct = default)
    {
        if (prepared is null) return null;
        var finished = prepared.Manifest with { Finished = DateTimeOffset.UtcNow };
        var c2pa = await C2pa.C2paSigner.SignAsync(outputPath, finished, prepared.Credential, ct).ConfigureAwait(false);
        return new ManifestWritten(finished.ContentId, c2pa);
    }

    /// <summary>The library's informational version.</summary>
    public static string ToolVersion { get; } =
        typeof(ProvenanceWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ProvenanceWriter).Assembly.GetName().Version?.ToString() ?? "unknown";
}
