using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Video;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage matte INPUT... -o OUT</c>: the subject's matte as alpha video/image or mask.</summary>
internal static class MatteCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Videos, images, or folders of them", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Output("Output file (one input) or existing folder (several inputs or a folder)");
        var kind = ChoiceOption.Create("--kind", "alpha (frame + matte as alpha), mask (grey matte) or auto (alpha when the format carries it)",
            new Choices<MatteOutputKind>([("auto", MatteOutputKind.Auto), ("alpha", MatteOutputKind.Alpha), ("mask", MatteOutputKind.Mask)]), MatteOutputKind.Auto);
        var extension = new Option<string?>("--ext") { Description = "Extension of each output when writing into a folder (default: .png for images, .webm for videos)" };
        var keying = new CommonOptions.Keying();
        var command = new Command("matte", "Key the person out and write the matte: alpha video (.webm/.mov), PNG with alpha, or a mask (.mp4)")
        {
            inputs, output, kind, extension,
        };
        keying.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var inputList = result.GetValue(inputs)!;
            var outputPath = result.GetValue(output)!;
            var matteKind = result.GetValue(kind);
            var options = keying.Read(result);
            var batch = inputList.Length > 1 || Directory.Exists(inputList[0]);
            var results = await ConsoleProgress.RunAsync(progress => batch
                ? MatteJob.RunBatchAsync(inputList, outputPath, result.GetValue(extension), matteKind, options, progress, token)
                : Single(MatteJob.RunAsync(inputList[0], outputPath, matteKind, options, progress, token)));
            Report.Results(results, result.GetValue(CommonOptions.Verbose));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task<IReadOnlyList<RenderResult>> Single(Task<RenderResult> render) => [await render];
}
