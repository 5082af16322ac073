using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Sharding;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage stitch JOB_DIR -o OUT</c>: joins the finished shards without re-encoding, muxes the audio and signs the whole file.</summary>
internal static class StitchCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job-dir") { Description = "The job folder synthstage plan wrote" };
        var output = CommonOptions.Output("The joined video (the job's container: .mp4 unless the plan named another format)");
        var command = new Command("stitch", "Join a job's finished shards into one video (stream copy), with the audio and a signed manifest") { job, output };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var folder = Path.GetFullPath(result.GetValue(job)!);
            var manifest = JobManifest.Read(folder);
            var outputPath = Path.GetFullPath(result.GetValue(output)!);
            var stitched = await ConsoleProgress.RunAsync(async progress =>
            {
                var render = await ShardableCommands.RebuildAsync(manifest, "stitch", progress, token);
                return await ShardStitcher.StitchAsync(folder, manifest, render, outputPath, token);
            });
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {stitched.OutputPath} ({stitched.Frames} frames from {stitched.Shards} shards in {stitched.Elapsed.TotalSeconds:0.00} s)"));
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
