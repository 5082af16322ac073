using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Forge;
using Synthstage.Onnx;
using static Synthstage.Bench.Forge.ForgeBenchmark;

namespace Synthstage.Bench.Diffusion;

/// <summary>
/// End-to-end Stable Diffusion timing on the full-scale forged SD 1.5 model (random weights, real sizes).
/// <c>diffusion [--model DIR] [--few-step] [--scale tiny|full] [--steps 10] [--scheduler NAME] [--opt all|extended] [--no-arena] [--cache DIR] [--no-memory] [--vocab PATH]</c>:
/// forges the fp32 folder into a temporary directory (~4.3 GB, deleted afterwards) unless <c>--model</c> is given, then
/// prints session creation time, seconds per step of a 256×256 text-to-image run with guidance, the share of its
/// wall time spent outside ONNX Runtime's Run calls, then runs 512×512 (fp32) and prints the process's peak resident
/// memory. <c>--no-arena</c> turns ONNX Runtime's CPU memory arena off; <c>--cache DIR</c> keeps optimised models there
/// (run twice to time a cached load). <c>--few-step</c> instead times 512×512 images at 1, 2 and 4 steps with and without
/// guidance; <c>--scale tiny</c> forges the tiny model instead of the full one.
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
                    Scale = Option(args, "--scale") == "tiny" ? ForgeScale.Tiny : ForgeScale.Full,
                    Force = true,
                    VocabularySource = Option(args, "--vocab") ?? FindVocabulary(),
                }).ConfigureAwait(false);
                Console.WriteLine($"forged {(Option(args, "--scale") == "tiny" ? "tiny" : "full")} SD 1.5 (fp32) into {folder} in {watch.Elapsed.TotalSeconds:F1} s");
            }
            var spec = new SessionOptionsSpec(ExecutionDevice.Cpu, IntraOpThreads: 0, OptimizationLevel: level, CpuMemoryArena: !args.Contains("--no-arena"),
                OptimizedModelCacheFolder: Option(args, "--cache"));
            if (args.Contains("--few-step")) RunFewStep(folder, spec);
            else Run(folder, steps, scheduler, spec, memory: !args.Contains("--no-memory"));
        }
        finally
        {
            if (temporary && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    private static void Run(string folder, int steps, string scheduler, SessionOptionsSpec spec, bool memory)
    {
        var watch = Stopwatch.StartNew();
        using var model = StableDiffusionModel.Load(folder, spec);
        Console.WriteLine($"model loaded in {watch.Elapsed.TotalSeconds:F1} s (optimisation {spec.OptimizationLevel?.ToString() ?? "ORT_ENABLE_ALL"}, " +
            $"arena {(spec.CpuMemoryArena ? "on" : "off")}, {Environment.ProcessorCount} cores); peak RSS so far {PeakRss() / 1e9:F2} GB");
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
        Console.WriteLine($"  peak RSS so far        {PeakRss() / 1e9:F2} GB");
        if (!memory) return;

        pipeline.Generate(options with { Width = 512, Height = 512, Steps = 2 });
        t = pipeline.LastTimings!;
        Console.WriteLine($"512x512 fp32 txt2img, 2 steps: {t.PerStep.TotalSeconds:F2} s per step, total {t.Total.TotalSeconds:F1} s; " +
            $"peak RSS of the process (model + 256 and 512 runs) {PeakRss() / 1e9:F2} GB");
    }

    // Seconds per 512×512 image at 1, 2 and 4 steps (euler-a, trailing as SD-Turbo samples), with guidance 7.5 (two
    // UNet rows per step) and without (guidance 0, one row): the whole Generate call, text encoder and VAE included.
    private static void RunFewStep(string folder, SessionOptionsSpec spec)
    {
        var watch = Stopwatch.StartNew();
        using var model = StableDiffusionModel.Load(folder, spec);
        Console.WriteLine($"model loaded in {watch.Elapsed.TotalSeconds:F1} s ({Environment.ProcessorCount} cores)");
        using var pipeline = new StableDiffusionPipeline(model);
        var options = new StableDiffusionOptions { Prompt = "a beach at dusk", Width = 512, Height = 512, Scheduler = "euler-a", Seed = 0 };
        pipeline.Generate(options with { Steps = 1, GuidanceScale = 0f });
        pipeline.Generate(options with { Steps = 1, GuidanceScale = 7.5f });
        Console.WriteLine("512x512, euler-a: seconds per image (UNet share)");
        foreach (var guidance in new[] { 0f, 7.5f })
            foreach (var steps in new[] { 1, 2, 4 })
            {
                pipeline.Generate(options with { Steps = steps, GuidanceScale = guidance });
                var t = pipeline.LastTimings!;
                Console.WriteLine($"  guidance {guidance,3:0.#}  {steps} step{(steps == 1 ? " " : "s")}  {t.Total.TotalSeconds,7:F2} s  (UNet {t.UNetRun.TotalSeconds:F2} s)");
            }
        Console.WriteLine($"peak RSS {PeakRss() / 1e9:F2} GB");
    }

    // VmHWM: the resident-set high-water mark, which counts ONNX Runtime's native allocations too.
    private static long PeakRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
