using System.Globalization;
using System.Text.RegularExpressions;
using Synthstage.Sharding;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Tests.Walks;

namespace Synthstage.Tests.Sharding;

/// <summary>
/// <c>plan walk</c>, <c>render-shard</c> and <c>stitch</c> as real child processes: four workers at once, one of them
/// killed mid-shard and run again, the stitched video against a single <c>walk</c> of the same settings; and every bad
/// input refused in one line naming the shard.
/// </summary>
public sealed partial class WalkShardingCliTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    // 31 + 32 frames between three keyframes, plus the last: 64 frames, four 16-frame parts, one per shard.
    private const int Frames = 64;
    private const int FrameBytes = 64 * 48 * 3;

    private static string[] WalkSettings(string model) =>
    [
        "--model", model, "--prompt", "a cat", "--seed", "1", "--prompt", "a dog", "--seed", "2", "--prompt", "a cow", "--seed", "3",
        "--frames", "31,32", "-W", "64", "-H", "48", "--no-ort-cache", "--no-watermark", "--steps", "3",
    ];

    private static async Task<string> PlanAsync(string model, string job, params string[] extra)
    {
        var plan = await CliProcess.RunAsync(null, ["plan", "walk", .. WalkSettings(model), "--shards", "4", "-o", job, .. extra]);
        Assert.True(plan.Code == 0, plan.Stderr);
        return plan.Stdout;
    }

    private static Dictionary<string, string> Index(string variable, int index) => new() { [variable] = index.ToString(CultureInfo.InvariantCulture) };

    [GeneratedRegex(@"^walk: (?<done>\d+)/\d+")]
    private static partial Regex WalkCountLine();

    [Fact]
    public async Task FourConcurrentWorkersOneKilledAndRerunStitchToTheFramesOfASingleWalk()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var model = models.Folder("fp32");
        var job = Path.Combine(dir, "job");
        var planned = await PlanAsync(model, job);
        Assert.Contains("planned walk 64 frames into 4 shards", planned);
        Assert.Contains("shard 3: frames 48..63", planned);

        // Four workers at once, as an Indexed Job runs them; shard 2 is killed once it has stored frames of its range.
        var workers = Enumerable.Range(0, 4).Select(i => CliProcess.Start(Index("JOB_COMPLETION_INDEX", i), "render-shard", job)).ToList();
        try
        {
            var line = await workers[2].WaitForStderrLineAsync(l => WalkCountLine().Match(l) is { Success: true } m && int.Parse(m.Groups["done"].Value, CultureInfo.InvariantCulture) >= 36);
            Assert.NotNull(line);
            Assert.False(workers[2].HasExited, "shard 2 ended before it could be killed");
            workers[2].Signal(CliChild.SigKill);
            Assert.Equal(137, await workers[2].WaitForExitAsync());
            foreach (var i in new[] { 0, 1, 3 })
                Assert.True(await workers[i].WaitForExitAsync() == 0, workers[i].Stderr);
        }
        finally
        {
            foreach (var worker in workers) worker.Dispose();
        }
        Assert.False(File.Exists(ShardReceipt.PathOf(job, 2)));

        // Stitching now names the missing shard and writes nothing.
        var output = Path.Combine(dir, "stitched.mp4");
        var early = await CliProcess.RunAsync(null, "stitch", job, "-o", output);
        Assert.Equal(ExitCodes.BadInput, early.Code);
        Assert.Equal($"error: shard 2 of 4 is not finished; nothing was stitched: run synthstage render-shard {job} --index I for it", early.Stderr.Trim());
        Assert.False(File.Exists(output));

        // The rerun continues the killed attempt (frames stored before the kill are kept); a finished shard is skipped.
        var rerun = await CliProcess.RunAsync(Index("JOB_COMPLETION_INDEX", 2), "render-shard", job);
        Assert.True(rerun.Code == 0, rerun.Stderr);
        Assert.Contains("shard 2: frames 32..47", rerun.Stdout);
        Assert.DoesNotContain("walk: 33/64", rerun.Stderr);
        var again = await CliProcess.RunAsync(null, "render-shard", job, "--index", "0");
        Assert.Equal($"shard 0: already finished ({ShardReceipt.VideoPath(job, 0, ".mp4")})", again.Stdout.Trim());

        var stitched = await CliProcess.RunAsync(null, "stitch", job, "-o", output);
        Assert.True(stitched.Code == 0, stitched.Stderr);
        Assert.StartsWith($"wrote {output} (64 frames from 4 shards", stitched.Stdout);
        await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output); // the whole stitched file is signed

        var single = Path.Combine(dir, "single.mp4");
        var walk = await CliProcess.RunAsync(null, ["walk", .. WalkSettings(model), "-o", single]);
        Assert.True(walk.Code == 0, walk.Stderr);
        var expected = await ResumableVideoOutputTests.DecodeAsync(single);
        Assert.Equal(Frames * FrameBytes, expected.Length);
        var actual = await ResumableVideoOutputTests.DecodeAsync(output);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the stitched frames differ from a single walk's");
    }

    [Fact]
    public async Task SlurmArrayTaskIdsPickTheShardsAndTheScriptIsValidBash()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var model = models.Folder("fp32");
        var job = Path.Combine(dir, "slurm-job");
        await PlanAsync(model, job, "--emit", "slurm", "--parallelism", "2");
        var script = await File.ReadAllTextAsync(Path.Combine(job, SlurmArrayScript.RenderFileName), TestContext.Current.CancellationToken);
        Assert.Contains("#SBATCH --array=0-3%2\n", script);
        Assert.Contains($"synthstage render-shard '{job}' --index \"${{SLURM_ARRAY_TASK_ID}}\"", script);
        foreach (var file in new[] { SlurmArrayScript.RenderFileName, SlurmArrayScript.StitchFileName })
        {
            var check = await RunAsync("bash", "-n", Path.Combine(job, file));
            Assert.True(check.Code == 0, check.Stderr);
        }

        var workers = Enumerable.Range(0, 4).Select(i => CliProcess.RunAsync(Index("SLURM_ARRAY_TASK_ID", i), "render-shard", job)).ToArray();
        foreach (var worker in await Task.WhenAll(workers)) Assert.True(worker.Code == 0, worker.Stderr);
        var output = Path.Combine(dir, "slurm.mp4");
        var stitched = await CliProcess.RunAsync(null, "stitch", job, "-o", output);
        Assert.True(stitched.Code == 0, stitched.Stderr);
        Assert.Equal(Frames * FrameBytes, (await ResumableVideoOutputTests.DecodeAsync(output)).Length);
    }

    [Fact]
    public async Task BadInputIsOneLineNamingTheShard()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        // A model of the job's own, so it can be replaced under the plan.
        var model = Path.Combine(dir, "model");
        TinyDiffusionModels.CopyDirectory(models.Folder("fp32"), model);
        var job = Path.Combine(dir, "job");
        await PlanAsync(model, job);

        var outOfRange = await CliProcess.RunAsync(null, "render-shard", job, "--index", "4");
        Assert.Equal(ExitCodes.Usage, outOfRange.Code);
        Assert.Equal("error: shard 4 is out of range: the job has 4 shards (0..3)", outOfRange.Stderr.Trim());

        var noIndex = await CliProcess.RunAsync(null, "render-shard", job);
        Assert.Equal(ExitCodes.Usage, noIndex.Code);
        Assert.Equal("error: no shard index: give --index I or set JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, SYNTHSTAGE_SHARD_INDEX", noIndex.Stderr.Trim());

        var notAJob = await CliProcess.RunAsync(null, "render-shard", dir, "--index", "0");
        Assert.Equal(ExitCodes.BadInput, notAJob.Code);
        Assert.Equal($"error: '{dir}' is not a job folder: job.json is missing (plan the job with synthstage plan first)", notAJob.Stderr.Trim());

        var underAFile = Path.Combine(dir, "model", "model_index.json", "job");
        var unwritable = await CliProcess.RunAsync(null, ["plan", "walk", .. WalkSettings(model), "--shards", "2", "-o", underAFile]);
        Assert.Equal(ExitCodes.BadOutput, unwritable.Code);
        Assert.StartsWith($"error: job folder '{underAFile}' is not writable: ", unwritable.Stderr.Trim());
        Assert.Single(unwritable.Stderr.Trim().Split('\n'));

        // A worker of another version: refused before rendering (the manifest rewritten as that version would have planned it).
        var manifest = JobManifest.Read(job);
        var original = await File.ReadAllTextAsync(JobManifest.PathIn(job), TestContext.Current.CancellationToken);
        (manifest with { Version = "0.0.1-other" }).Write(job);
        var version = await CliProcess.RunAsync(null, "render-shard", job, "--index", "1");
        Assert.Equal(ExitCodes.Usage, version.Code);
        Assert.Equal($"error: shard 1: the job was planned with Synthstage 0.0.1-other but this worker runs {Synthstage.Provenance.ProvenanceWriter.ToolVersion}; run one version on every worker",
            version.Stderr.Trim());
        await File.WriteAllTextAsync(JobManifest.PathIn(job), original, TestContext.Current.CancellationToken);

        // A manifest edited by hand.
        await File.WriteAllTextAsync(JobManifest.PathIn(job), original.Replace("\"a dog\"", "\"a horse\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var edited = await CliProcess.RunAsync(null, "render-shard", job, "--index", "0");
        Assert.Equal(ExitCodes.BadInput, edited.Code);
        Assert.Equal($"error: job manifest '{JobManifest.PathIn(job)}' was edited after planning (its digest no longer matches); plan the job again instead of editing it", edited.Stderr.Trim());
        await File.WriteAllTextAsync(JobManifest.PathIn(job), original, TestContext.Current.CancellationToken);

        // One shard rendered. Its receipt says which version and models rendered it: another version's shard, or one
        // made with another model, is named by the stitch, and nothing is written.
        var first = await CliProcess.RunAsync(null, "render-shard", job, "--index", "0");
        Assert.True(first.Code == 0, first.Stderr);
        var receipt = ShardReceipt.TryRead(job, 0)!;
        var output = Path.Combine(dir, "out.mp4");
        (receipt with { Version = "0.0.1-other" }).Write(job);
        var otherVersion = await CliProcess.RunAsync(null, "stitch", job, "-o", output);
        Assert.Equal(ExitCodes.BadInput, otherVersion.Code);
        Assert.Equal($"error: shard 0 was rendered by Synthstage 0.0.1-other, the job is {manifest.Version}; nothing was stitched: render it again (delete shard-0000.json and run render-shard --index 0)",
            otherVersion.Stderr.Trim());
        (receipt with { Models = receipt.Models.ToDictionary(p => p.Key, _ => new string('0', 64)) }).Write(job);
        var otherModel = await CliProcess.RunAsync(null, "stitch", job, "-o", output);
        Assert.Equal(ExitCodes.BadInput, otherModel.Code);
        Assert.StartsWith("error: shard 0 was rendered with another unet model; nothing was stitched", otherModel.Stderr.Trim());
        receipt.Write(job);
        var missing = await CliProcess.RunAsync(null, "stitch", job, "-o", output);
        Assert.Equal(ExitCodes.BadInput, missing.Code);
        Assert.StartsWith("error: shards 1, 2, 3 of 4 are not finished; nothing was stitched", missing.Stderr.Trim());
        Assert.False(File.Exists(output));

        // A worker whose model files differ from the planned ones (the folder forged again with other weights).
        await Synthstage.Forge.StableDiffusionForge.WriteAsync(new Synthstage.Forge.ForgeOptions
        {
            OutputDirectory = model,
            VocabularySource = SharedData.Require(TinyDiffusionModels.Vocab),
            Scale = Synthstage.Forge.ForgeScale.Tiny,
            Seed = 99,
            Force = true,
        }, null, TestContext.Current.CancellationToken);
        var unet = Path.Combine(model, "unet", "model.onnx");
        var mismatch = await CliProcess.RunAsync(null, "render-shard", job, "--index", "1");
        Assert.Equal(ExitCodes.BadModel, mismatch.Code);
        Assert.Matches($"^error: shard 1: model unet '{Regex.Escape(unet)}' differs from the planned one \\(SHA-256 [0-9a-f]{{12}}… planned, [0-9a-f]{{12}}… here\\); give every worker the same files$", mismatch.Stderr.Trim());
        Assert.False(File.Exists(ShardReceipt.PathOf(job, 1)));
    }

    private static async Task<(int Code, string Stderr)> RunAsync(string tool, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(info)!;
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, stderr);
    }
}
