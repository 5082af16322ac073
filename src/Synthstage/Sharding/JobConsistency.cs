using System.Text.Json.Nodes;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;
using Synthstage.Video.Resume;

namespace Synthstage.Sharding;

/// <summary>
/// The checks a worker (and the stitch) makes before it trusts a plan: the same Synthstage version, the same parameters
/// derived from the plan's arguments, and inputs and models with the planned content hashes.
/// </summary>
internal static class JobConsistency
{
    /// <summary>Throws unless this process runs the version the job was planned with.</summary>
    public static void CheckVersion(JobManifest manifest, string who)
    {
        if (manifest.Version != ProvenanceWriter.ToolVersion)
            throw new SynthstageException(
                $"{who}: the job was planned with Synthstage {manifest.Version} but this worker runs {ProvenanceWriter.ToolVersion}; run one version on every worker",
                ExitCodes.Usage);
    }

    /// <summary>Throws unless <paramref name="render"/> (rebuilt here from the plan's arguments) has the planned parameters.</summary>
    public static void CheckParameters(JobManifest manifest, IShardableRender render, string who)
    {
        if (JobManifest.DigestOf(render.Parameters) == manifest.ParametersDigest) return;
        var differences = string.Join("; ", ResumeState.Differences(manifest.Parameters, (JsonObject)render.Parameters.DeepClone()).Take(3));
        throw new SynthstageException($"{who}: the parameters this worker derives from the plan differ from the planned ones ({differences}); plan the job again", ExitCodes.Usage);
    }

    /// <summary>Hashes the inputs and models again and throws at the first that differs from the plan.</summary>
    /// <returns>Role → SHA-256 of the models, for the shard's receipt.</returns>
    public static async Task<IReadOnlyDictionary<string, string>> CheckFilesAsync(JobManifest manifest, string who, CancellationToken ct)
    {
        foreach (var input in manifest.Inputs) await CheckAsync(input, "input", ExitCodes.BadInput).ConfigureAwait(false);
        foreach (var model in manifest.Models) await CheckAsync(model, "model", ExitCodes.BadModel).ConfigureAwait(false);
        return ModelHashes(manifest.Models);

        async Task CheckAsync(JobFile file, string kind, int exitCode)
        {
            if (!File.Exists(file.Path) && !Directory.Exists(file.Path))
                throw new SynthstageException($"{who}: {kind} {file.Role} '{file.Path}' is missing on this worker; mount the shared files at the same path everywhere", exitCode);
            var (sha, _) = await FileDigest.ComputeAsync(file.Path, ct).ConfigureAwait(false);
            if (sha != file.Sha256)
                throw new SynthstageException(
                    $"{who}: {kind} {file.Role} '{file.Path}' differs from the planned one (SHA-256 {file.Sha256[..12]}… planned, {sha[..12]}… here); give every worker the same files", exitCode);
        }
    }

    /// <summary>Role → SHA-256 (roles made unique by their position when two models share one).</summary>
    public static IReadOnlyDictionary<string, string> ModelHashes(IReadOnlyList<JobFile> models)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            var role = model.Role;
            for (var n = 2; hashes.ContainsKey(role); n++) role = $"{model.Role} {n}";
            hashes[role] = model.Sha256;
        }
        return hashes;
    }
}
