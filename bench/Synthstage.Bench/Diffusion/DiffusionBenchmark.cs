using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Forge;
using Synthstage.Onnx;

namespace Synthstage.Bench.Diffusion;

/// <summary>
/// End-to-end Stable Diffusion timing on the full-scale forged SD 1.5 model (random weights, real sizes).
/// <c>diffusion [--model DIR] [--steps 10] [--scheduler NAME] [--opt all|extended] [--no-memory] [--vocab PATH]</c>:
/// forges the fp32 folder into a temporary directory (~4.3 GB, deleted afterwards) unless <c>--model</c> is given, then
/// prints session creation times, seconds per step of a 256×256 text-to-image run with guidance, the share of its
/// wall time spent outside ONNX Runtime's Run calls, and the peak resident memory of a separate
/// <c>synthstage generate</c> process at 512×512 (fp32).
/// </summary>
public static class DiffusionBenchmark
{
    /// <summary>Runs the benchmark and prints the results; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var steps = int.Parse(Option(args, "--steps") ?? "10", CultureInfo.InvariantCulture);
        var scheduler = Option(args, "--scheduler") ?? "euler";
        GraphOptimizationLevel? level = Option(args, "--opt") is { } opt ? Enum.Parse<GraphOptimizationLevel>("ORT_ENABLE_" + opt.ToUpperInvariant()) : null;
        var folder = Option(args, "--model");
        var temporary = folder is null;
        folder ??= Path.Combine(Path.GetTempPath(), $"synthstage-sd15-bench-{Environment.ProcessId}");
        try
        {
            if (temporary)
            {
                var watch = Stopwatch.StartNew();
                await StableDiffusionForge.WriteAsync(new ForgeOptions
                {
                    OutputDirectory = folder,
                    Scale = ForgeScale.Full,
                    Force = true,
                    VocabularySource = Option(args, "--vocab") ?? FindVocabulary(),
                }).ConfigureAwait(false);
                Console.WriteLine($"forged full SD 1.5 (fp32) into {folder} in {watch.Elapsed.TotalSeconds:F1} s");
            }
            Txt2Img256(folder, steps, scheduler, level);
            if (!args.Contains("--no-memory")) await PeakMemory512Async(folder).ConfigureAwait(false);
        }
        finally
        {
            if (temporary && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    private static void Txt2Img256(string folder, int steps, string scheduler, GraphOptimizationLevel? level)
    {
        var spec = new SessionOptionsSpec(ExecutionDevice.Cpu, IntraOpThreads: 0, OptimizationLevel: level);
        var watch = Stopwatch.StartNew();
        using var model = StableDiffusionModel.Load(folder, spec);
        Console.WriteLine($"model loaded in {watch.Elapsed.TotalSeconds:F1} s (optimisation {level?.ToString() ?? "ORT_ENABLE_ALL"}, {Environment.ProcessorCount} cores)");
        using var pipeline = new StableDiffusionPipeline(model);
        var options = new StableDiffusionOptions
        {
            Prompt = "an astronaut riding a horse on mars",
            NegativePrompt = "blurry",
            Width = 256,
            Height = 256,
            GuidanceScale = 7.5f,
            Scheduler = scheduler,
            Seed = 0,
        };
        // Warm-up: ONNX Runtime's first run of each model allocates its arenas and picks kernels.
        watch.Restart();
        pipeline.Generate(options with { Steps = 1 });
        Console.WriteLine($"warm-up (1 step + text encoder + VAE decode) {watch.Elapsed.TotalSeconds:F1} s");

        pipeline.Generate(options with { Steps = steps });
        var t = pipeline.LastTimings!;
        var loopOutside = 1 - t.UNetRun / t.Denoise;
        Console.WriteLine($"256x256 txt2img, {steps} steps, {scheduler}, guidance 7.5 (one batched UNet call per step):");
        Console.WriteLine($"  seconds per step       {t.PerStep.TotalSeconds:F3} s");
        Console.WriteLine($"  total                  {t.Total.TotalSeconds:F2} s (UNet Run {t.UNetRun.TotalSeconds:F2} s, text encoder + VAE Run {t.OtherRun.TotalSeconds:F2} s)");
        Console.WriteLine($"  outside ORT Run calls  {t.OutsideRunShare:P2} of wall time (denoising loop alone: {loopOutside:P2}; target < 3%)");
    }

    private static async Task PeakMemory512Async(string folder)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Synthstage.Cli.dll");
        var output = Path.Combine(Path.GetTempPath(), $"synthstage-bench-512-{Environment.ProcessId}.png");
        try
        {
            var outcome = await ChildProcess.RunAsync("dotnet", cli, "generate", "--model", folder, "--prompt", "a photo of a cat",
                "--steps", "2", "--scheduler", "euler", "--seed", "0", "--width", "512", "--height", "512", "-o", output).ConfigureAwait(false);
            Console.WriteLine($"512x512 fp32 txt2img (2 steps, guidance 7.5, separate `synthstage generate` process): " +
                $"peak RSS {outcome.PeakBytes / 1e9:F2} GB, wall {outcome.Elapsed.TotalSeconds:F1} s (incl. model load)");
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindVocabulary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz");
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new FileNotFoundException("bpe_simple_vocab_16e6.txt.gz not found in ../shared/data/clip above the benchmark; pass --vocab PATH.");
    }
}
