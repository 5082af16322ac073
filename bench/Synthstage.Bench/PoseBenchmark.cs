using System.Diagnostics;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Pose;
using Synthstage.Segmentation;

namespace Synthstage.Bench;

/// <summary>
/// Per-frame cost of segmentation with BlazePose GHUM (pose-lite/full/heavy: tracking, landmark model, mask mapping)
/// against the selfie model (general), on consecutive real frames of a clip at its own resolution, one intra-op thread.
/// Models are measured in interleaved rounds so load from other processes hits them alike; prints medians and ratios.
/// </summary>
internal static class PoseBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clip = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "footage", "juggle.mp4");
        var models = new[] { "general", "pose-lite", "pose-full", "pose-heavy" };
        const int frameCount = 48, rounds = 3;
        var info = await MediaProbe.ProbeAsync(clip);
        var frames = new List<byte[]>();
        await using (var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24))
            for (var i = 0; i < frameCount; i++)
            {
                var frame = new byte[reader.FrameSizeBytes];
                if (!await reader.ReadFrameAsync(frame)) break;
                frames.Add(frame);
            }
        var (width, height) = (info.Width, info.Height);
        var segmenters = new List<IPersonSegmenter>();
        foreach (var model in models)
            segmenters.Add(await SegmentationModelResolver.CreateAsync(model, width, height, ModelStore.Default, new SessionOptionsSpec(), null, CancellationToken.None));
        var times = models.Select(_ => new List<double>()).ToArray();
        try
        {
            for (var round = 0; round <= rounds; round++)
                for (var m = 0; m < models.Length; m++)
                {
                    var mask = new float[segmenters[m].MaskWidth * segmenters[m].MaskHeight];
                    foreach (var frame in frames)
                    {
                        var t = Stopwatch.GetTimestamp();
                        segmenters[m].Segment(frame, width, height, 3, mask);
                        if (round > 0) times[m].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds); // round 0 warms up
                    }
                }
            Console.WriteLine($"{Path.GetFileName(clip)} {width}×{height}, {frames.Count} consecutive frames × {rounds} rounds, 1 intra-op thread");
            Console.WriteLine($"{"model",-12} {"median ms",10} {"p90 ms",8} {"vs general",11}");
            var baseline = Median(times[0]);
            for (var m = 0; m < models.Length; m++)
            {
                var sorted = times[m].Order().ToArray();
                Console.WriteLine($"{models[m],-12} {Median(times[m]),10:F2} {sorted[sorted.Length * 9 / 10],8:F2} {Median(times[m]) / baseline,10:F2}×");
            }
        }
        finally
        {
            foreach (var s in segmenters) s.Dispose();
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
