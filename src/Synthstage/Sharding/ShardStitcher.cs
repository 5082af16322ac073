using System.Diagnostics;
using Synthstage.Provenance;
using Synthstage.Video.Resume;

namespace Synthstage.Sharding;

/// <summary>
/// Joins a job's finished shards into one video by stream copy (each shard starts on a key frame and every shard was
/// encoded with the same settings), muxes the audio once, then signs the whole file. Refuses — naming the shards —
/// when any is missing or was rendered for another plan, by another version, or with other parameters or models.
/// </summary>
public static class ShardStitcher
{
    /// <summary>Stitches the job in <paramref name="jobFolder"/> into <paramref name="outputPath"/>.</summary>
    /// <param name="jobFolder">The job folder.</param>
    /// <param name="manifest">Its manifest.</param>
    /// <param name="render">The render rebuilt from the manifest's arguments (its manifest record, stamp and audio).</param>
    /// <param name="outputPath">The video to write; its extension must be the job's.</param>
    /// <param name="ct">Stops ffmpeg; nothing is left under the output's name.</param>
    /// <exception cref="SynthstageException">Missing or inconsistent shards, or an output that cannot be written.</exception>
    public static async Task<StitchResult> StitchAsync(string jobFolder, JobManifest manifest, IShardableRender render, string outputPath,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(render);
        var clock = Stopwatch.StartNew();
        JobConsistency.CheckVersion(manifest, "stitch");
        JobConsistency.CheckParameters(manifest, render, "stitch");
        var output = Path.GetFullPath(outputPath);
        if (!string.Equals(Path.GetExtension(output), manifest.Extension, StringComparison.OrdinalIgnoreCase))
            throw new SynthstageException($"the job's shards are {manifest.Extension} files; stitch them into a {manifest.Extension} output, not '{outputPath}'", ExitCodes.Usage);
        if (!Directory.Exists(Path.GetDirectoryName(output)))
            throw new SynthstageException($"output folder '{Path.GetDirectoryName(output)}' does not exist", ExitCodes.BadOutput);

        var parts = CheckShards(jobFolder, manifest);
        await ResumableVideoOutput.JoinAsync(parts, manifest.FrameRate, render.Audio, output, jobFolder, ct).ConfigureAwait(false);
        var manifestWritten = await ApplyProvenanceAsync(output, render, manifest, ct).ConfigureAwait(false);
        return new StitchResult(output, manifest.Frames, manifest.Shards.Count, manifestWritten?.C2pa.Path, clock.Elapsed);
    }

    // The one place the stitched file gets its credentials: the whole file, after the join, as a single render's would.
    private static Task<ManifestWritten?> ApplyProvenanceAsync(string output, IShardableRender render, JobManifest manifest, CancellationToken ct) =>
        ProvenanceWriter.WriteAsync(output, render.Stamp(manifest.ContentId), render.Record, ct);

    private static List<(string Path, int Frames)> CheckShards(string jobFolder, JobManifest manifest)
    {
        var missing = new List<int>();
        var parts = new List<(string Path, int Frames)>();
        var models = JobConsistency.ModelHashes(manifest.Models);
        foreach (var range in manifest.Shards)
        {
            var video = ShardReceipt.VideoPath(jobFolder, range.Index, manifest.Extension);
            var receipt = ShardReceipt.TryRead(jobFolder, range.Index);
            if (receipt is null || !File.Exists(video))
            {
                missing.Add(range.Index);
                continue;
            }
            var problem = receipt switch
            {
                _ when receipt.JobDigest != manifest.Digest => "was rendered for another plan of this folder",
                _ when receipt.Version != manifest.Version => $"was rendered by Synthstage {receipt.Version}, the job is {manifest.Version}",
                _ when receipt.ParametersDigest != manifest.ParametersDigest => "was rendered with other parameters",
                _ when ModelDifference(receipt.Models, models) is { } model => $"was rendered with another {model} model",
                _ when receipt.Start != range.Start || receipt.End != range.End => $"holds frames {receipt.Start}..{receipt.End}, the plan says {range.Start}..{range.End}",
                _ when receipt.Bytes != new FileInfo(video).Length => $"'{video}' was replaced after it was rendered ({new FileInfo(video).Length} bytes, {receipt.Bytes} recorded)",
                _ => null,
            };
            if (problem is not null)
                throw new SynthstageException($"shard {range.Index} {problem}; nothing was stitched: render it again (delete {Path.GetFileName(ShardReceipt.PathOf(jobFolder, range.Index))} and run render-shard --index {range.Index})", ExitCodes.BadInput);
            parts.Add((video, range.Frames));
        }
        if (missing.Count > 0)
            throw new SynthstageException(
                $"{(missing.Count == 1 ? "shard" : "shards")} {string.Join(", ", missing)} of {manifest.Shards.Count} {(missing.Count == 1 ? "is" : "are")} not finished; nothing was stitched: run synthstage render-shard {jobFolder} --index I for {(missing.Count == 1 ? "it" : "each")}",
                ExitCodes.BadInput);
        return parts;
    }

    private static string? ModelDifference(IReadOnlyDictionary<string, string> used, IReadOnlyDictionary<string, string> planned) =>
        planned.Keys.Union(used.Keys).FirstOrDefault(role => !used.TryGetValue(role, out var a) || !planned.TryGetValue(role, out var b) || a != b);
}

/// <summary>What <see cref="ShardStitcher.StitchAsync"/> wrote.</summary>
/// <param name="OutputPath">The stitched video.</param>
/// <param name="Frames">Its frames.</param>
/// <param name="Shards">Shards joined.</param>
/// <param name="ManifestPath">Where the content credentials are (the output itself when embedded), or null when they are off.</param>
/// <param name="Elapsed">Time the checks, the join and the signing took.</param>
public sealed record StitchResult(string OutputPath, int Frames, int Shards, string? ManifestPath, TimeSpan Elapsed);
