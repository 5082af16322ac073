using System.Diagnostics;
using System.Globalization;
using Synthstage.Imaging;
using Synthstage.Provenance.Evaluation;
using Synthstage.Provenance.Watermarking;
using static Synthstage.Bench.BenchTools;

namespace Synthstage.Bench;

/// <summary>
/// Per-frame cost of the invisible watermark on real 1280×720 frames, one thread, as the keyed render's stamp stage
/// pays it: the clip's frame at 4 s, and that frame over the flat-area check's solid colour, gradient and blurred
/// frame (the mark adapts to the picture, so the content could matter). Median milliseconds after warming up past
/// tiered compilation.
/// </summary>
internal static class WatermarkEmbedBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clip = ClipOption(args);
        if (!File.Exists(clip))
        {
            Console.Error.WriteLine($"clip '{clip}' not found; pass --clip FILE");
            return 2;
        }
        const int width = 1280, height = 720;
        var frame = new RgbImage(width, height, await FrameAsync(clip, width, height));
        var embedder = WatermarkEmbedder.Create(0x5EED0001u, width, height);
        Console.WriteLine($"frame at 4 s of {Path.GetFileName(clip)}, {Environment.ProcessorCount} cores (shared)");
        Console.WriteLine($"{"watermark embed (1280×720 RGB24, one thread)",-48} {"median ms",10}");
        Print("footage frame", embedder, frame.Pixels);
        foreach (var background in Enum.GetValues<FlatBackground>())
            Print("over " + FlatAreaCheck.Describe(background), embedder, FlatAreaCheck.Compose(frame, background).Pixels);
        return 0;
    }

    private static void Print(string name, WatermarkEmbedder embedder, byte[] source)
    {
        const int iterations = 200;
        var frame = new byte[source.Length];
        // Long enough for tiered compilation to replace the first, unoptimised code (30 calls, then a background JIT).
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 50 || warm.ElapsedMilliseconds < 500; i++)
        {
            source.CopyTo(frame, 0);
            embedder.Embed(frame);
        }
        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            // A fresh copy each time: marking a marked frame again would measure different content.
            source.CopyTo(frame, 0);
            var start = Stopwatch.GetTimestamp();
            embedder.Embed(frame);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Console.WriteLine($"{name,-48} {Median(times),10:F3}");
    }
}
