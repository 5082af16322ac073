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

var parseResult = root.Parse(args);
return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
