using System.CommandLine;
using System.CommandLine.Help;
using Synthstage;
using Synthstage.Cli.Commands;
using Synthstage.Cli.Console;

// A plain Command rather than RootCommand: RootCommand takes its name from the running file (Synthstage.Cli under
// `dotnet Synthstage.Cli.dll`), and usage lines must say what users type.
var root = new Command("synthstage", "Synthstage: key people out of ordinary footage and put them in new scenes.")
{
    new HelpOption(),
    new VersionOption(),
    CommonOptions.Verbose,
};
root.Subcommands.Add(MatteCommand.Create());
root.Subcommands.Add(CompositeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(ForgeCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(TokenizeCommand.Create());
root.Subcommands.Add(PoseCommand.Create());
root.Subcommands.Add(SubjectsCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(WalkCommand.Create());
root.Subcommands.Add(UpscaleCommand.Create());
root.Subcommands.Add(PlanCommand.Create());
root.Subcommands.Add(RenderShardCommand.Create());
root.Subcommands.Add(StitchCommand.Create());
root.Subcommands.Add(StudioCommand.Create());

var parseResult = root.Parse(args);
// Usage errors are one line and exit 2, before any action runs.
if (UsageErrorLine.Find(parseResult) is { } usage)
{
    Console.Error.WriteLine(usage);
    return ExitCodes.Usage;
}
// Ctrl+C / SIGTERM cancel the token the actions receive; the render then stops ffmpeg and removes temporary output.
return await parseResult.InvokeAsync(new InvocationConfiguration
{
    EnableDefaultExceptionHandler = false,
    ProcessTerminationTimeout = TimeSpan.FromSeconds(15),
});
