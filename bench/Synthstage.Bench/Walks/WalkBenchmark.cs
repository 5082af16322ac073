using System.Diagnostics;
using System.Globalization;
using Synthstage.Forge;
using static Synthstage.Bench.Forge.ForgeBenchmark;

namespace Synthstage.Bench.Walks;

/// <summary>
/// <c>walk memory [--runs 3]</c>: peak resident memory (VmHWM) of <c>synthstage walk</c> child processes rendering 60 and
/// 600 frames with the tiny forged model (64×64, 2 steps), interleaved run by run; medians and their ratio.
/// <c>walk full [--model DIR] [--frames 4] [--steps 4]</c>: seconds per frame at 256×256 (guidance 7.5, euler) for batch 1
/// and batch 2 on the full-scale forged SD 1.5 (forged into a temporary folder and deleted unless <c>--model</c>; the ORT
/// cache also goes there), from the walk's own rate over its render (model load and prompt encoding excluded).
/// </summary>
public static class WalkBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args.FirstOrDefault() ?? "memory";
        var rest = args.Skip(1).ToArray();
        return mode switch
        {
            "memory" => await MemoryAsync(rest),
            "full" => await FullAsync(rest),
            _ => throw new ArgumentException($"unknown walk benchmark '{mode}'; use memory or full"),
        };
    }


    private static async Task<int> MemoryAsync(string[] args)
    {
        var cli = BenchTools.CliPath(args);
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("ss-walk-bench-").FullName;
        try
        {
            var model = Path.Combine(work, "tiny");
            await StableDiffusionForge.WriteAsync(new ForgeOptions { OutputDirectory = model, Scale = ForgeScale.Tiny, Seed = 1234, VocabularySource = Option(args, "--vocab") ?? FindVocabulary() });
            var peaks = new Dictionary<int, List<long>> { [60] = [], [600] = [] };
            var times = new Dictionary<int, List<double>> { [60] = [], [600] = [] };
            for (var run = 0; run < runs; run++)
                foreach (var frames in new[] { 60, 600 })
                {
                    var output = Path.Combine(work, $"w{frames}-{run}.mp4");
                    var outcome = await ChildProcess.RunAsync("dotnet", cli, "walk", "-m", model, "--prompt", "a cat", "--seed", "1", "--prompt", "a dog", "--seed", "2",
                        "--frames", (frames - 1).ToString(CultureInfo.InvariantCulture), "--steps", "2", "-W", "64", "-H", "64", "--no-ort-cache", "-o", output);
                    peaks[frames].Add(outcome.PeakBytes);
                    times[frames].Add(outcome.Elapsed.TotalSeconds);
                    File.Delete(output);
                    Console.WriteLine($"run {run + 1}: {frames} frames  peak RSS {outcome.PeakBytes / 1e6:F1} MB  (tree {outcome.PeakTreeBytes / 1e6:F1} MB)  {outcome.Elapsed.TotalSeconds:F1} s");
                }
            var (a, b) = (Median(peaks[60]), Median(peaks[600]));
            Console.WriteLine($"median peak RSS: 60 frames {a / 1e6:F1} MB, 600 frames {b / 1e6:F1} MB, ratio {b / (double)a:F3}; " +
                $"median time {Median(times[60]):F1} s / {Median(times[600]):F1} s");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> FullAsync(string[] args)
    {
        var cli = BenchTools.CliPath(args);
        var frames = int.Parse(Option(args, "--frames") ?? "4", CultureInfo.InvariantCulture);
        var steps = Option(args, "--steps") ?? "4";
        var folder = Option(args, "--model");
        var temporary = folder is null;
        var work = Directory.CreateTempSubdirectory("ss-walk-full-").FullName;
        folder ??= Path.Combine(work, "sd15");
        Environment.SetEnvironmentVariable("SYNTHSTAGE_HOME", work); // the optimised-model cache of the child processes
        try
        {
            if (temporary)
            {
                var watch = Stopwatch.StartNew();
                await StableDiffusionForge.WriteAsync(new ForgeOptions { OutputDirectory = folder, Scale = ForgeScale.Full, VocabularySource = Option(args, "--vocab") ?? FindVocabulary() });
                Console.WriteLine($"forged full SD 1.5 in {watch.Elapsed.TotalSeconds:F1} s");
            }
            foreach (var batch in new[] { 1, 2 })
            {
                var total = frames;
                var output = Path.Combine(work, $"b{batch}.mp4");
                var watch = Stopwatch.StartNew();
                var outcome = await ChildProcess.RunAsync("dotnet", cli, "walk", "-m", folder, "--prompt", "a forest at dawn", "--seed", "1", "--prompt", "a city at night", "--seed", "2",
                    "--frames", total.ToString(CultureInfo.InvariantCulture), "--steps", steps, "--guidance", "7.5", "--scheduler", "euler", "-W", "256", "-H", "256",
                    "--batch", batch.ToString(CultureInfo.InvariantCulture), "-o", output);
                Console.WriteLine($"batch {batch}: {total + 1} frames in {watch.Elapsed.TotalSeconds:F1} s (peak RSS {outcome.PeakBytes / 1e9:F2} GB)");
                var last = outcome.StandardError.Split('\n').Last(l => l.StartsWith("walk:", StringComparison.Ordinal));
                var value = double.Parse(last.Split(' ')[2], CultureInfo.InvariantCulture);
                var secondsPerFrame = last.Contains("s/frame", StringComparison.Ordinal) ? value : 1 / value;
                Console.WriteLine($"  {last}\n  batch {batch}: {secondsPerFrame:F2} s per frame ({steps} steps, guidance 7.5, 256×256)");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static long Median(List<long> values) => values.Order().ElementAt(values.Count / 2);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
