using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Sharding;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage plan walk|composite … --shards N|--shard-seconds S -o JOB_DIR [--emit k8s|slurm]</c>: writes the job
/// manifest into a shared folder (and, asked, the scheduler files that render and stitch it).
/// </summary>
internal static class PlanCommand
{
    public static Command Create() => Create(new ShardableCommands());

    /// <summary>The plan command over <paramref name="commands"/>; its actions run only when invoked (workers just parse with it).</summary>
    public static Command Create(ShardableCommands commands)
    {
        var plan = new Command("plan", "Cut a long render into shards for Kubernetes Indexed Jobs, Slurm arrays or any farm: writes JOB_DIR/job.json (see docs/sharding.md)");
        foreach (var command in commands.Commands)
        {
            var shards = new Option<int?>("--shards") { Description = "Number of shards (a walk's shards start on its 16-frame parts, so there may be fewer)" };
            var shardSeconds = new Option<double?>("--shard-seconds") { Description = "Seconds of video per shard (instead of --shards)" };
            var output = CommonOptions.Output("The job folder (shared by every worker: a PVC, NFS or any mounted path)");
            var emit = ChoiceOption.Create("--emit", "Also write the scheduler files: k8s (an Indexed Job and a stitch Job) or slurm (an sbatch --array script and a stitch script)",
                new Choices<string>([("none", "none"), ("k8s", "k8s"), ("slurm", "slurm")]), "none");
            var image = new Option<string>("--image") { Description = "With --emit k8s: the container image with synthstage on its PATH", DefaultValueFactory = _ => "synthstage:latest" };
            var parallelism = new Option<int?>("--parallelism") { Description = "With --emit: shards rendered at once (default: all)" };
            var backoff = new Option<int>("--backoff-limit-per-index") { Description = "With --emit k8s: retries per shard", DefaultValueFactory = _ => 2 };
            var claim = new Option<string>("--volume-claim") { Description = "With --emit k8s: the PersistentVolumeClaim holding the job folder, models and inputs", DefaultValueFactory = _ => "synthstage-jobs" };
            var mount = new Option<string?>("--mount-path") { Description = "With --emit k8s: where that volume is mounted in the pods (default: the job folder's parent; paths must match the plan's)" };
            var warmUp = new Option<int?>("--warm-up-frames") { Description = "composite: frames before each shard run through the matte stages unwritten, so temporal smoothing starts as in a single render (default 24: identical frames to a single render; 8, as a resumed render, differs by a few levels, see docs/sharding.md)" };
            var stitchOutput = new Option<string?>("--stitch-output") { Description = "With --emit: the video the stitch writes (default JOB_DIR/<name>.mp4)" };
            foreach (var option in new Option[] { shards, shardSeconds, warmUp, output, emit, image, parallelism, backoff, claim, mount, stitchOutput })
                command.Options.Add(option);
            command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
            {
                var request = new ShardPlanRequest(result.GetValue(shards), result.GetValue(shardSeconds)) { WarmUpFrames = result.GetValue(warmUp) };
                var arguments = PlanArguments();
                var jobFolder = Path.GetFullPath(result.GetValue(output)!);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var manifest = await ConsoleProgress.RunAsync(async progress =>
                {
                    var render = await commands.BuildAsync(result, arguments, progress, token);
                    return await JobPlanner.PlanAsync(render, request, arguments, Environment.CurrentDirectory, jobFolder, token);
                });
                var inv = CultureInfo.InvariantCulture;
                System.Console.WriteLine(string.Create(inv,
                    $"planned {manifest.Kind} {manifest.Frames} frames into {manifest.Shards.Count} shards in {jobFolder} ({clock.Elapsed.TotalSeconds:0.00} s)"));
                foreach (var shard in manifest.Shards)
                    System.Console.WriteLine(string.Create(inv, $"  shard {shard.Index}: frames {shard.Start}..{shard.End - 1}{(shard.WarmUpFrames > 0 ? $" (+{shard.WarmUpFrames} warm-up)" : "")}"));
                var engine = new EngineFileOptions
                {
                    Image = result.GetValue(image)!,
                    Parallelism = result.GetValue(parallelism),
                    BackoffLimitPerIndex = result.GetValue(backoff),
                    VolumeClaim = result.GetValue(claim)!,
                    MountPath = result.GetValue(mount),
                    StitchOutput = result.GetValue(stitchOutput),
                    Gpu = command.Options.OfType<Option<ComputeDevice>>().Select(result.GetValue).FirstOrDefault() is { Device: Onnx.ExecutionDevice.Cuda },
                };
                var written = result.GetValue(emit) switch
                {
                    "k8s" => KubernetesJobFiles.Write(jobFolder, manifest, engine),
                    "slurm" => SlurmArrayScript.Write(jobFolder, manifest, engine),
                    _ => [],
                };
                foreach (var file in written) System.Console.WriteLine($"wrote {file}");
                return ExitCodes.Success;
            }, ct));
            plan.Subcommands.Add(command);
        }
        return plan;
    }

    // The command line after "plan": what workers parse again.
    private static string[] PlanArguments()
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        var at = args.IndexOf("plan");
        return [.. args.Skip(at + 1)];
    }
}
