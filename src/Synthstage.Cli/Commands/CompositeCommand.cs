using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Compositing;
using Synthstage.Video;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage composite INPUT --background IMAGE|#RRGGBB|blur -o OUT</c>.</summary>
internal static class CompositeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A video or image with a person in it" };
        var output = CommonOptions.Output("Output video or image (.mp4, .webm, .mov, .png, or a folder for PNG frames)");
        var background = new Option<string>("--background", "-b") { Description = "Image file, #RRGGBB colour, or blur", Required = true };
        var format = CommonOptions.Format();
        var keying = new CommonOptions.Keying();
        var command = new Command("composite", "Put the person from the footage over a new background, keeping the audio")
        {
            input, output, background, format,
        };
        keying.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = keying.Read(result, CommonOptions.ParseFormat(result.GetValue(format)));
            var spec = BackgroundSpec.Parse(result.GetValue(background)!);
            var render = await ConsoleProgress.RunAsync(progress =>
                CompositeJob.RunAsync(result.GetValue(input)!, result.GetValue(output)!, spec, options, progress, token));
            Report.Results([render], result.GetValue(CommonOptions.Verbose));
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
