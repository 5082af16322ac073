using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Sharding;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage render-shard JOB_DIR [--index I]</c>: renders one shard of a planned job; the index comes from the flag,
/// JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or SYNTHSTAGE_SHARD_INDEX. Finished shards are skipped, interrupted ones resumed.
/// </summary>
internal static class RenderShardCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job-dir") { Description = "The job folder synthstage plan wrote" };
        var index = new Option<int?>("--index") { Description = $"The shard (default: from {string.Join(", ", ShardIndex.Variables)})" };
        var command = new Command("render-shard", "Render one shard of a planned job (idempotent: finished shards are skipped, interrupted ones resumed)") { job, index };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var folder = Path.GetFullPath(result.GetValue(job)!);
            var manifest = JobManifest.Read(folder);
            var shard = ShardIndex.Resolve(result.GetValue(index), Environment.GetEnvironmentVariable);
            var range = manifest.Shard(shard);
            var outcome = await ConsoleProgress.RunAsync(async progress =>
            {
                var render = await ShardableCommands.RebuildAsync(manifest, range.Name, progress, token);
                return await Task.Run(() => ShardWorker.RunAsync(folder, manifest, render, shard, progress, token), token);
            });
            System.Console.WriteLine(outcome.Skipped
                ? $"shard {shard}: already finished ({outcome.VideoPath})"
                : string.Create(CultureInfo.InvariantCulture,
                    $"shard {shard}: frames {range.Start}..{range.End - 1}{(range.WarmUpFrames > 0 ? $" after {range.WarmUpFrames} warm-up frames" : "")} in {outcome.Elapsed.TotalSeconds:0.00} s → {outcome.VideoPath}"));
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
