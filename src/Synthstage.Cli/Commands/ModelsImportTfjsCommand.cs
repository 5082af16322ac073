using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Tfjs;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage models import-tfjs model.json -o model.onnx</c>.</summary>
internal static class ModelsImportTfjsCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A TF.js layers model's model.json (weight shards beside it)" };
        var output = CommonOptions.Output("The .onnx file to write");
        var command = new Command("import-tfjs", "Convert a TF.js layers model to an ONNX graph (NHWC input and output kept)") { input, output };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            TfjsImporter.Convert(result.GetValue(input)!, result.GetValue(output)!);
            System.Console.WriteLine($"wrote {result.GetValue(output)}");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }
}
