using System.Diagnostics;
using System.Globalization;
using Synthstage.Compositing;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Provenance;
using Synthstage.Segmentation;
using Synthstage.Video;
using static Synthstage.Bench.BenchTools;

namespace Synthstage.Bench;

/// <summary>
/// Per-frame cost of the default keyed path's work on one real frame of a clip (at 4 s) and its real matte from the
/// default model (`auto`), each piece alone on one thread: segmentation, one box filter of the guided filter's grid,
/// the guided filter, feather over the changing spans, the whole enlargement, the blend, and the rest of the default
/// composite's per-frame work (look-ahead smoothing, the jump watch, the blurred-frame background, the watermark).
/// Median milliseconds of wall time and of the thread's CPU time (the second is what to compare on a shared machine).
/// </summary>
internal static class RealFrameMatteBenchmark
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
        var frame = await FrameAsync(clip, width, height);
        using var segmenter = await SegmentationModelResolver.CreateAsync(SegmentationModelResolver.AutoChoice, width, height, ModelStore.Default, new(), null, CancellationToken.None);
        int maskWidth = segmenter.MaskWidth, maskHeight = segmenter.MaskHeight;
        var mask = new float[maskWidth * maskHeight];
        segmenter.Segment(frame, width, height, 3, mask);
        var options = new MatteOptions();
        using (var shaper = new MatteShaper(options, maskWidth, maskHeight, width, height)) shaper.Apply(mask);
        var subsample = GuidedMatteEnlarger.GridSubsample(maskWidth, maskHeight, width, height);
        var filter = new FastGuidedFilter(maskWidth, maskHeight, width, height, options.RefineRadius, options.RefineEpsilon, subsample);
        var plane = new float[width * height];
        var alpha = new byte[width * height];
        filter.Filter(frame, mask, plane);
        long changing = 0;
        for (var y = 0; y < height; y++) changing += Math.Max(0, filter.ChangingTo[y] - filter.ChangingFrom[y]);
        Console.WriteLine($"frame at 4 s of {Path.GetFileName(clip)}, mask {maskWidth}×{maskHeight}, grid 1/{subsample}, " +
            $"changing span {100.0 * changing / (width * height):F1} % of pixels");
        Console.WriteLine($"{"piece (1280×720, one thread)",-40} {"wall ms",10} {"CPU ms",10}");

        Print("segment (resize + ORT)", () => segmenter.Segment(frame, width, height, 3, mask));
        int gridWidth = (width + subsample / 2) / subsample, gridHeight = (height + subsample / 2) / subsample;
        var box = new BoxFilter(gridWidth, gridHeight, Math.Max(1, (int)MathF.Round((float)options.RefineRadius / subsample)));
        var gridPlane = new float[gridWidth * gridHeight];
        var gridMean = new float[gridPlane.Length];
        for (var i = 0; i < gridPlane.Length; i++) gridPlane[i] = (i * 7919 % 1000) / 1000f;
        Print($"one box filter, {gridWidth}×{gridHeight} grid (17 a frame)", () => box.Apply(gridPlane, gridMean));
        Print("guided filter", () => filter.Filter(frame, mask, plane));
        var feather = new GaussianFeather(width, height, options.Feather);
        filter.Filter(frame, mask, plane);
        var filtered = (float[])plane.Clone();
        Print("feather over the changing spans", () =>
        {
            filtered.CopyTo(plane, 0);
            feather.Apply(plane, alpha, filter.ChangingFrom, filter.ChangingTo);
        });
        using var enlarger = new GuidedMatteEnlarger(options, maskWidth, maskHeight, width, height);
        Print("enlarge (filter, clip levels, feather)", () => enlarger.Enlarge(frame, mask, alpha));
        var plate = new byte[frame.Length];
        var output = new byte[frame.Length];
        Print("blend over an image", () => AlphaBlend.BlendRgb(frame, plate, alpha, output));

        var smoother = new CentredMaskSmoother(mask.Length, options.LookAhead, options.Smoothing);
        var smoothed = new float[mask.Length];
        Print($"look-ahead smoothing (±{options.LookAhead})", () =>
        {
            while (!smoother.Ready) smoother.Accept(mask);
            smoother.Release(smoothed);
        });
        var watch = new MatteJumpWatch(width, height, maskWidth, maskHeight);
        var index = 0;
        Print("matte jump watch", () => watch.Next(index++, frame, 3, mask));
        using var blur = new BlurredFrameBackground(width, height);
        Print("blurred-frame background", () => blur.Render(frame, plate));
        using (var up = new MaskUpsampler(width / BlurredFrameBackground.Factor, height / BlurredFrameBackground.Factor, width, height, 3, interleavedSource: true))
        {
            var small = new float[width / BlurredFrameBackground.Factor * (height / BlurredFrameBackground.Factor) * 3];
            Print("  of which: enlarge the blurred image", () => up.Upsample(small, plate));
        }
        var stamp = OutputStamp.Create(new ProvenanceOptions(), width, height, 3);
        var marked = (byte[])frame.Clone();
        Print("watermark (stamp stage)", () =>
        {
            frame.CopyTo(marked, 0);
            stamp.Apply(marked);
        });
        Print("frame copy (the watermark's baseline)", () => frame.CopyTo(marked, 0));
        return 0;
    }

    private static void Print(string name, Action action)
    {
        const int iterations = 100;
        // Long enough for tiered compilation to replace the first, unoptimised code (30 calls, then a background JIT).
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 50 || warm.ElapsedMilliseconds < 500; i++) action();
        var times = new double[iterations];
        var cpu = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var cpuStart = ThreadCpuMilliseconds();
            action();
            cpu[i] = ThreadCpuMilliseconds() - cpuStart;
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Console.WriteLine($"{name,-40} {Median(times),10:F3} {Median(cpu),10:F3}");
    }
}
