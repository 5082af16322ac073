using System.Text.Json.Nodes;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Sharding;

/// <summary>Writes a job folder: the manifest (<see cref="JobManifest"/>), <c>shards/</c> for finished shards and <c>work/</c> for shards in progress.</summary>
public static class JobPlanner
{
    /// <summary>Plans <paramref name="render"/> into <paramref name="jobFolder"/> (created when missing).</summary>
    /// <param name="render">The checked render.</param>
    /// <param name="request">Shard count or length.</param>
    /// <param name="arguments">The plan command line after <c>plan</c>, from which every worker rebuilds the render.</param>
    /// <param name="workingDirectory">What relative paths in <paramref name="arguments"/> are relative to.</param>
    /// <param name="jobFolder">The shared folder.</param>
    /// <param name="ct">Cancels hashing.</param>
    /// <returns>The manifest written.</returns>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadOutput"/>: the folder is not writable or holds another
    /// job's shards; <see cref="ExitCodes.BadInput"/>/<see cref="ExitCodes.BadModel"/>: a file to hash is missing.</exception>
    public static async Task<JobManifest> PlanAsync(IShardableRender render, ShardPlanRequest request, IReadOnlyList<string> arguments,
        string workingDirectory, string jobFolder, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(render);
        ArgumentNullException.ThrowIfNull(request);
        var shards = request.Split(render);
        var folder = Path.GetFullPath(jobFolder);
        EnsureWritable(folder);

        var inputs = await HashAsync(render.Record.Inputs, ExitCodes.BadInput, ct).ConfigureAwait(false);
        var models = await HashAsync(render.Record.Models.Select(m => (m.Role, m.Path)).ToList(), ExitCodes.BadModel, ct).ConfigureAwait(false);
        var manifest = new JobManifest
        {
            Version = ProvenanceWriter.ToolVersion,
            Kind = render.Kind,
            Arguments = arguments,
            WorkingDirectory = Path.GetFullPath(workingDirectory),
            ContentId = ContentId(render.Parameters, inputs, models),
            Frames = render.FrameCount,
            FrameRate = render.FrameRate,
            Width = render.Width,
            Height = render.Height,
            Extension = render.Extension,
            Parameters = (JsonObject)render.Parameters.DeepClone(),
            Inputs = inputs,
            Models = models,
            Shards = shards,
        };
        RefuseOtherJob(folder, manifest);
        Directory.CreateDirectory(ShardReceipt.ShardsFolder(folder));
        Directory.CreateDirectory(Path.Combine(folder, ShardWorker.WorkFolderName));
        manifest.Write(folder);
        return manifest;
    }

    // The same parameters and files give the same id, so a one-shard plan and a four-shard plan of one render carry one watermark payload.
    private static string ContentId(JsonObject parameters, IReadOnlyList<JobFile> inputs, IReadOnlyList<JobFile> models)
    {
        var identity = new JsonObject
        {
            ["parameters"] = parameters.DeepClone(),
            ["files"] = new JsonArray(inputs.Concat(models).Select(f => (JsonNode)f.Sha256).ToArray()),
        };
        return JobManifest.Sha256Of(identity)[..32];
    }

    private static async Task<IReadOnlyList<JobFile>> HashAsync(IReadOnlyList<(string Role, string Path)> files, int exitCode, CancellationToken ct)
    {
        var hashed = new List<JobFile>();
        foreach (var (role, path) in files)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full) && !Directory.Exists(full))
                throw new SynthstageException($"{role} '{full}' does not exist; every worker needs it at this path", exitCode);
            var (sha, bytes) = await FileDigest.ComputeAsync(full, ct).ConfigureAwait(false);
            hashed.Add(new JobFile(role, full, sha, bytes));
        }
        return hashed;
    }

    private static void EnsureWritable(string folder)
    {
        var probe = Path.Combine(folder, $".write-test-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"job folder '{folder}' is not writable: {e.Message}", ExitCodes.BadOutput, e);
        }
    }

    // Planning again with the same plan is harmless; a different plan over finished shards would mix two renders.
    private static void RefuseOtherJob(string folder, JobManifest manifest)
    {
        if (!File.Exists(JobManifest.PathIn(folder))) return;
        JobManifest? existing;
        try
        {
            existing = JobManifest.Read(folder);
        }
        catch (SynthstageException)
        {
            existing = null;
        }
        if (existing?.Digest == manifest.Digest) return;
        var shards = ShardReceipt.ShardsFolder(folder);
        if (Directory.Exists(shards) && Directory.EnumerateFiles(shards, "shard-*.json").Any())
            throw new SynthstageException($"job folder '{folder}' holds shards of another plan; plan into a new folder (or delete that one)", ExitCodes.BadOutput);
    }
}
