using System.CommandLine;
using Synthstage.Cli.Commands;

var root = new RootCommand("Synthstage: key people out of ordinary footage and put them in new scenes.")
{
    CommonOptions.Verbose,
};
root.Subcommands.Add(MatteCommand.Create());
root.Subcommands.Add(CompositeCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(ForgeCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(TokenizeCommand.Create());
root.Subcommands.Add(PoseCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(WalkCommand.Create());
root.Subcommands.Add(UpscaleCommand.Create());

var parseResult = root.Parse(args);
// Ctrl+C / SIGTERM cancel the token the actions receive; the render then stops ffmpeg and removes temporary output.
return await parseResult.InvokeAsync(new InvocationConfiguration
{
    EnableDefaultExceptionHandler = false,
    ProcessTerminationTimeout = TimeSpan.FromSeconds(15),
});
