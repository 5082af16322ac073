using System.Reflection;
using Synthstage.Provenance.Manifest;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance;

/// <summary>Where a finished output's manifest went.</summary>
/// <param name="SidecarPath">The signed sidecar manifest (<c>OUT.manifest.json</c>).</param>
/// <param name="Embedded">True when a signed copy was also embedded in the output.</param>
/// <param name="ContentId">The output's content id.</param>
/// <param name="C2pa">Where the C2PA manifest store went (inside the output, or its <c>.c2pa</c> sidecar).</param>
public sealed record ManifestWritten(string SidecarPath, bool Embedded, string ContentId, C2pa.C2paWritten C2pa);

/// <summary>
/// Finishes an output's provenance once the output file is complete: builds the manifest from the job's
/// <see cref="ProvenanceRecord"/> and the <see cref="OutputStamp"/>, embeds a signed copy in the file where the format
/// allows, then hashes the final file and writes the signed sidecar with that hash beside it.
/// </summary>
public static class ProvenanceWriter
{
    /// <summary>The sidecar path of an output: the output's path (file or folder) + ".manifest.json".</summary>
    public static string SidecarPath(string outputPath) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputPath)) + ".manifest.json";

    /// <summary>Name and parameters of the watermark scheme, as recorded.</summary>
    public static string WatermarkScheme { get; } =
        $"synthstage-dft-ring/1: {WatermarkLayout.TileSize}px periodic tile, {WatermarkLayout.PayloadBits}-bit payload + CRC-16, rate-1/2 K=7 convolutional code, luma";

    /// <summary>Writes the manifests for a completed output; does nothing (returns null) when manifests are off.</summary>
    /// <param name="outputPath">The completed output file or folder.</param>
    /// <param name="stamp">The stamp whose content id and watermark the frames carry.</param>
    /// <param name="record">What the job did.</param>
    /// <param name="ct">Cancels hashing and embedding.</param>
    /// <exception cref="SynthstageException">The key, the embedding or the sidecar could not be written.</exception>
    public static async Task<ManifestWritten?> WriteAsync(string outputPath, OutputStamp stamp, ProvenanceRecord record, CancellationToken ct = default) =>
        await CompleteAsync(outputPath, await PrepareAsync(stamp, record, ct).ConfigureAwait(false), embedded: false, ct).ConfigureAwait(false);

    /// <summary>
    /// Builds and signs the manifest of an output before it is written, so the embedded copy can go into the file while
    /// it is encoded (<see cref="PreparedManifest.ContainerTags"/>) instead of in a remux afterwards. The job's record
    /// must be complete: inputs and models are hashed now.
    /// </summary>
    /// <returns>Null when manifests are off.</returns>
    /// <exception cref="SynthstageException">The signing key could not be read or created.</exception>
    public static async Task<PreparedManifest?> PrepareAsync(OutputStamp stamp, ProvenanceRecord record, CancellationToken ct = default)
    {
        var options = stamp.Options;
        if (!options.Manifest) return null;
        var keyStore = options.KeyStore ?? SigningKeyStore.Default;
        var key = keyStore.GetOrCreate();
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
        return new PreparedManifest(manifest, key, credential);
    }

    /// <summary>
    /// Finishes the manifests of a completed output: embeds the signed copy where the format allows unless the encoder
    /// already wrote it (<paramref name="embedded"/>), then hashes the final file and writes the signed sidecar.
    /// </summary>
    /// <param name="outputPath">The completed output file or folder.</param>
    /// <param name="prepared">The manifest from <see cref="PrepareAsync"/>; null when manifests are off (nothing is written).</param>
    /// <param name="embedded">True when the output already carries <see cref="PreparedManifest.ContainerTags"/>.</param>
    /// <param name="ct">Cancels hashing and embedding.</param>
    /// <exception cref="SynthstageException">The embedding or the sidecar could not be written.</exception>
    public static async Task<ManifestWritten?> CompleteAsync(string outputPath, PreparedManifest? prepared, bool embedded, CancellationToken ct = default)
    {
        if (prepared is null) return null;
        var finished = prepared.Manifest with { Finished = DateTimeOffset.UtcNow };
        if (!embedded)
            embedded = ManifestContainer.CanEmbed(outputPath)
                && await ManifestContainer.EmbedAsync(outputPath, ManifestSigner.Sign(finished with { Copy = "embedded" }, prepared.Key), ct).ConfigureAwait(false);
        // Last change to the file: the C2PA hard binding covers every byte the earlier steps wrote.
        var c2pa = await C2pa.C2paSigner.SignAsync(outputPath, finished, prepared.Credential, ct).ConfigureAwait(false);
        var output = File.Exists(outputPath) || Directory.Exists(outputPath)
            ? await FileDigest.RecordAsync("output", outputPath, ct).ConfigureAwait(false)
            : null;
        var sidecar = SidecarPath(outputPath);
        var json = ManifestSigner.Sign(finished with { Copy = "sidecar", Output = output }, prepared.Key);
        var temp = sidecar + ".partial";
        try
        {
            await File.WriteAllTextAsync(temp, json + "\n", ct).ConfigureAwait(false);
            File.Move(temp, sidecar, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw new SynthstageException($"cannot write the manifest '{sidecar}': {e.Message}", ExitCodes.BadOutput, e);
        }
        return new ManifestWritten(sidecar, embedded, finished.ContentId, c2pa);
    }

    /// <summary>The library's informational version.</summary>
    public static string ToolVersion { get; } =
        typeof(ProvenanceWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ProvenanceWriter).Assembly.GetName().Version?.ToString() ?? "unknown";
}
