using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Forge;
using Synthstage.Video;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage forge sd15 --scale tiny|full [--fp16] -o DIR</c>: write a random-weight SD model folder.</summary>
internal static class ForgeCommand
{
    public static Command Create()
    {
        var architecture = new Argument<string>("architecture") { Description = "Model architecture (sd15)" };
        var output = CommonOptions.Output("Folder to write (diffusers ONNX layout)");
        var scale = ChoiceOption.Create("--scale", "tiny (tests) or full (SD 1.5 sizes, ~4.3 GB)",
            new Choices<ForgeScale>([("tiny", ForgeScale.Tiny), ("full", ForgeScale.Full)]), ForgeScale.Tiny);
        var fp16 = new Option<bool>("--fp16") { Description = "Write float16 weights and tensors" };
        var force = new Option<bool>("--force") { Description = "Replace a folder that exists and is not empty" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random weights", DefaultValueFactory = _ => 0 };
        var ids = ChoiceOption.Create("--ids", "input_ids type of the text encoder",
            new Choices<ForgeIdsType>([("int32", ForgeIdsType.Int32), ("int64", ForgeIdsType.Int64)]), ForgeIdsType.Int32);
        var timestep = ChoiceOption.Create("--timestep", "timestep type of the UNet",
            new Choices<ForgeTimestepType>([("int64", ForgeTimestepType.Int64), ("float", ForgeTimestepType.Float)]), ForgeTimestepType.Int64);
        var variant = ChoiceOption.Create("--variant", "sd15 (PNDM), lcm (UNet with timestep_cond, LCMScheduler) or turbo (Euler, trailing timesteps)",
            new Choices<ForgeVariant>([("sd15", ForgeVariant.Sd15), ("lcm", ForgeVariant.Lcm), ("turbo", ForgeVariant.Turbo)]), ForgeVariant.Sd15);
        var vocab = new Option<string?>("--vocab") { Description = "CLIP BPE merges (bpe_simple_vocab_16e6.txt.gz); default: ../shared/data/clip beside the repository" };
        var command = new Command("forge", "Write a Stable Diffusion architecture with seeded random weights (for tests and benchmarks)")
        {
            architecture, output, scale, fp16, force, seed, ids, timestep, variant, vocab,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = new ForgeOptions
            {
                Architecture = result.GetValue(architecture)!,
                Scale = result.GetValue(scale),
                Fp16 = result.GetValue(fp16),
                Force = result.GetValue(force),
                Variant = result.GetValue(variant),
                Seed = result.GetValue(seed),
                TextEncoderIdsType = result.GetValue(ids),
                TimestepType = result.GetValue(timestep),
                OutputDirectory = result.GetValue(output)!,
                VocabularySource = result.GetValue(vocab) ?? DefaultVocabulary(),
            };
            var counts = await ConsoleProgress.RunAsync(progress => StableDiffusionForge.WriteAsync(options,
                new Progress<ForgeProgress>(p => progress.Report(new PipelineProgress("forge", p.ParametersDone, p.ParametersTotal, p.Component))), token));
            System.Console.WriteLine($"wrote {options.OutputDirectory}: text encoder {counts.TextEncoder:N0}, UNet {counts.UNet:N0}, VAE {counts.Vae:N0} parameters");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static string DefaultVocabulary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz");
            if (File.Exists(Path.Combine(dir.FullName, "Synthstage.sln")) && File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new SynthstageException("CLIP vocabulary not found; pass --vocab PATH/bpe_simple_vocab_16e6.txt.gz", ExitCodes.BadInput);
    }
}
