using System.CommandLine;
using Synthstage.Models;
using Synthstage.Scenes;
using Synthstage.Sharding;

namespace Synthstage.Cli.Commands;

/// <summary>
/// The renders <c>plan</c> can cut into shards, each a subcommand declared with the same options as the command it
/// shards (<c>walk</c>, <c>composite</c>). A worker rebuilds the render by parsing the plan's arguments with these
/// same declarations, so plan, workers and stitch read one option set one way.
/// </summary>
internal sealed class ShardableCommands
{
    private readonly Dictionary<string, (Command Command, Func<ParseResult, string[], IProgress<PipelineProgress>?, CancellationToken, Task<IShardableRender>> Build)> _kinds = [];

    public ShardableCommands()
    {
        var walk = new WalkArguments();
        var walkCommand = new Command("walk", "Plan a walk (the options of synthstage walk, but -o names the job folder)");
        walk.AddTo(walkCommand);
        _kinds["walk"] = (walkCommand, async (result, arguments, progress, ct) =>
        {
            var options = walk.Read(result, null, restart: false);
            options = options with { Provenance = options.Provenance with { CommandLine = ["plan", .. arguments] } };
            var folder = await ModelResolver.ResolveAsync(result.GetValue(walk.Model)!, progress: progress, cancellationToken: ct);
            return await WalkShardRender.PrepareAsync(folder, walk.Session(result), options, progress, ct);
        });

        var input = new Argument<string>("input") { Description = "A video with a person in it" };
        var background = new Option<string?>("--background", "-b") { Description = "Image file, #RRGGBB colour, or blur" };
        var keying = new CommonOptions.Keying();
        var scene = new CompositeSceneOptions();
        var compositeCommand = new Command("composite", "Plan a keyed composite over --background (the options of synthstage composite, but -o names the job folder)")
        {
            input, background,
        };
        keying.AddTo(compositeCommand);
        scene.AddTo(compositeCommand);
        _kinds["composite"] = (compositeCommand, async (result, arguments, progress, ct) =>
        {
            if (result.GetValue(scene.Prompt) is { Length: > 0 })
                throw new SynthstageException("plan composite shards composites over --background; a --prompt scene is not sharded yet (its plate and walking background are generated per run)", ExitCodes.Usage);
            if (result.GetValue(scene.Preview))
                throw new SynthstageException("--preview renders one frame: nothing to shard", ExitCodes.Usage);
            if (result.GetValue(background) is not { } value)
                throw new SynthstageException("give --background IMAGE|#RRGGBB|blur", ExitCodes.Usage);
            var options = keying.Read(result);
            options = options with { Provenance = options.Provenance with { CommandLine = ["plan", .. arguments] } };
            var motion = scene.ReadMotion(result);
            return await CompositeShardRender.PrepareAsync(result.GetValue(input)!, MovingImageBackground.Over(BackgroundSpec(value), motion), options,
                scene.ReadLook(result), progress, ct);
        });
    }

    /// <summary>The subcommands, to add plan options to and register under <c>plan</c>.</summary>
    public IEnumerable<Command> Commands => _kinds.Values.Select(k => k.Command);

    /// <summary>Builds the render a parsed subcommand describes.</summary>
    /// <param name="result">The parse of <c>plan KIND …</c>.</param>
    /// <param name="arguments">The arguments after <c>plan</c> (recorded in the manifest).</param>
    /// <param name="progress">Model resolving and installing.</param>
    /// <param name="ct">Cancels it.</param>
    public Task<IShardableRender> BuildAsync(ParseResult result, IReadOnlyList<string> arguments, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var kind = result.CommandResult.Command.Name;
        return _kinds.TryGetValue(kind, out var entry)
            ? entry.Build(result, [.. arguments], progress, ct)
            : throw new SynthstageException($"'{kind}' cannot be sharded; plan walk or composite", ExitCodes.Usage);
    }

    /// <summary>
    /// Rebuilds the render of a planned job on a worker: parses the manifest's arguments with the plan's declarations
    /// (relative paths from the plan's working directory).
    /// </summary>
    /// <exception cref="SynthstageException">The arguments no longer parse (another version's options).</exception>
    public static async Task<IShardableRender> RebuildAsync(JobManifest manifest, string who, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (Directory.Exists(manifest.WorkingDirectory)) Environment.CurrentDirectory = manifest.WorkingDirectory;
        var commands = new ShardableCommands();
        var plan = PlanCommand.Create(commands);
        var result = plan.Parse([.. manifest.Arguments]);
        if (result.Errors.Count > 0)
            throw new SynthstageException($"{who}: this worker cannot read the plan's arguments ({result.Errors[0].Message}); plan the job again with this version", ExitCodes.Usage);
        return await commands.BuildAsync(result, manifest.Arguments, progress, ct);
    }

    private static Compositing.BackgroundSpec BackgroundSpec(string value) => Compositing.BackgroundSpec.Parse(value);
}
