using System.Diagnostics;
using System.Globalization;
using SkiaSharp;
using Synthstage.Compositing;
using Synthstage.Forge;
using Synthstage.Models;
using Synthstage.Scenes;
using Synthstage.Video;
using static Synthstage.Bench.BenchTools;

namespace Synthstage.Bench;

/// <summary>
/// <c>composite --prompt</c> with a tiny forged Stable Diffusion model: scene generation timed on its own, then
/// interleaved end-to-end runs of <c>composite --background IMAGE</c> and <c>composite --prompt</c> (scene cached, so
/// the runs compare per-frame work) with medians and ratios, then one in-process render whose stage times
/// (generation, matting, compositing, encoding) are printed.
/// </summary>
internal static class SceneBenchmark
{
    private const string Prompt = "a quiet beach at dusk, golden light";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--kernels")) return SceneKernelBenchmark.Run();
        var root = RepositoryRoot();
        var clip = ClipOption(args);
        var vocab = Path.Combine(root, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz");
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        if (!File.Exists(clip) || !File.Exists(vocab))
        {
            Console.Error.WriteLine($"need '{clip}' and '{vocab}' (../shared); pass --clip FILE");
            return 2;
        }
        var work = Directory.CreateTempSubdirectory("synthstage-scene-bench-").FullName;
        // Children and this process share a scratch home whose models/ is the real store (segmentation models),
        // so the scene cache starts empty and nothing is left in the user's cache.
        var realModels = Path.Combine(ModelStore.DefaultRoot(), "models");
        var home = Path.Combine(work, "home");
        Directory.CreateDirectory(home);
        if (Directory.Exists(realModels)) Directory.CreateSymbolicLink(Path.Combine(home, "models"), realModels);
        Environment.SetEnvironmentVariable(ModelStore.HomeVariable, home);
        try
        {
            var model = Path.Combine(work, "tiny-sd15");
            await StableDiffusionForge.WriteAsync(new ForgeOptions { OutputDirectory = model, VocabularySource = vocab, Scale = ForgeScale.Tiny, Seed = 1234 });
            var cli = CliPath(args);
            var background = Path.Combine(work, "background.png");
            WriteBackground(background, 1920, 1080);
            var frames = (await Synthstage.Media.MediaProbe.ProbeAsync(clip)).FrameCount;
            Console.WriteLine($"clip: {clip} ({frames} frames), tiny forged SD 1.5, {runs} runs each, {Environment.ProcessorCount} cores");

            // 1. Generation alone (model load + 25 steps at native size + VAE decode), a new seed each time so nothing is cached.
            var aspect = 16.0 / 9;
            var generation = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var plate = await SceneGenerator.GetPlateAsync(new SceneOptions { Prompt = Prompt, Seed = (ulong)(1000 + i), Model = model }, aspect, ModelStore.Default);
                generation.Add(plate.GenerationTime.TotalSeconds);
                if (i == 0) Console.WriteLine($"scene size {plate.Image.Width}×{plate.Image.Height}");
            }
            Console.WriteLine($"scene generation (load + 25 steps + decode): median {Median(generation):F2} s over {runs} ({string.Join(", ", generation.Select(g => g.ToString("F2", CultureInfo.InvariantCulture)))})");

            // 2. Interleaved end-to-end runs; the prompt runs reuse seed 1000's cached plate.
            string[] promptArgs = ["--prompt", Prompt, "--seed", "1000", "--scene-model", model];
            var jobs = new (string Name, string[] Args)[]
            {
                ("composite --background IMAGE", ["--background", background]),
                ("composite --prompt (motion none)", promptArgs),
                ("composite --prompt --background-motion pan", [.. promptArgs, "--background-motion", "pan"]),
                ("composite --prompt --harmonize .5 --light-wrap .5", [.. promptArgs, "--harmonize", "0.5", "--light-wrap", "0.5"]),
            };
            var times = jobs.Select(_ => new List<double>()).ToArray();
            await ChildProcess.RunAsync("dotnet", [cli, "composite", clip, .. promptArgs, "-o", Path.Combine(work, "warm.mp4")]);
            // Rotate the order every round so a burst of load from elsewhere does not always land on the same job.
            for (var r = 0; r < runs; r++)
                for (var k = 0; k < jobs.Length; k++)
                {
                    var j = (k + r) % jobs.Length;
                    var outcome = await ChildProcess.RunAsync("dotnet", [cli, "composite", clip, .. jobs[j].Args, "-o", Path.Combine(work, $"out{j}-{r}.mp4")]);
                    times[j].Add(outcome.Elapsed.TotalSeconds);
                }
            Console.WriteLine();
            Console.WriteLine($"{"job",-52} {"median s",9} {"frames/s",9} {"vs image",9}  runs (s)");
            var baseline = Median(times[0]);
            for (var j = 0; j < jobs.Length; j++)
            {
                var median = Median(times[j]);
                Console.WriteLine($"{jobs[j].Name,-52} {median,9:F2} {frames / median,9:F1} {baseline / median,8:P0}  {string.Join(" ", times[j].Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))}");
            }

            // 3. Stage times of one render in this process, scene generated fresh (seed 2000).
            var clock = Stopwatch.StartNew();
            var result = await SceneCompositeJob.RunAsync(clip, new RenderOutput.Resumable(Path.Combine(work, "stages.mp4")),
                new SceneOptions { Prompt = Prompt, Seed = 2000, Model = model }, new KeyingOptions());
            var wall = clock.Elapsed.TotalSeconds;
            var stages = result.Render.StageTimes;
            Console.WriteLine();
            Console.WriteLine($"one render, {result.Render.FramesWritten} frames, wall {wall:F2} s: generation {result.Plate.GenerationTime.TotalSeconds:F2} s, " +
                $"render {result.Render.Elapsed.TotalSeconds:F2} s; busy per pipeline thread (they overlap): decode {stages["decode"].TotalSeconds:F2} s, " +
                $"matting {stages["segment"].TotalSeconds:F2} s, compositing {stages["finish"].TotalSeconds:F2} s, encoding {stages["encode"].TotalSeconds:F2} s");
            return 0;
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelStore.HomeVariable, null);
            Directory.Delete(work, recursive: true);
        }
    }
}
