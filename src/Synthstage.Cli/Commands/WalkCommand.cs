using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Models;
using Synthstage.Walks;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage walk --model DIR --prompt A --seed 1 --prompt B --seed 2 … -o walk.mp4</c>: a video that morphs
/// between keyframes, optionally paced by audio; resumable by rerunning the same command.
/// </summary>
internal static class WalkCommand
{
    public static Command Create()
    {
        var walkArguments = new WalkArguments();
        var restart = new Option<bool>("--restart") { Description = "Discard an unfinished run of this output made with other parameters" };
        var output = CommonOptions.Output("Output video (.mp4, .webm or .mov); OUT.resume.json and OUT.parts/ sit beside it until it is complete");
        var command = new Command("walk", "Render a video that morphs between prompts and seeds (optionally paced by audio); rerun to resume");
        walkArguments.AddTo(command);
        command.Options.Add(restart);
        command.Options.Add(output);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = walkArguments.Read(result, result.GetValue(output)!, result.GetValue(restart));
            var spec = walkArguments.Session(result);
            var model = walkArguments.Model;

            try
            {
                var walk = await ConsoleProgress.RunAsync(async progress =>
                {
                    var folder = await ModelResolver.ResolveAsync(result.GetValue(model)!, progress: progress, cancellationToken: token);
                    return await Task.Run(() => WalkJob.RunAsync(folder, spec, options, null, progress, token), token);
                });
                foreach (var warning in walk.Warnings) System.Console.Error.WriteLine($"warning: {warning}");
                var resumed = walk.FramesResumed > 0 ? $", {walk.FramesResumed} resumed from an earlier run" : "";
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {walk.OutputPath} ({walk.Frames} frames, {walk.FramesRendered} rendered in {walk.Elapsed.TotalSeconds:0.0} s{resumed})"));
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                System.Console.Error.WriteLine($"error: {ResumableCancellation.Message(options.OutputPath)}");
                return ExitCodes.Cancelled;
            }
        }, ct));
        return command;
    }
}
