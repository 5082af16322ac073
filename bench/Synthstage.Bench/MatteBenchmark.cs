using System.Diagnostics;
using Synthstage.Compositing;
using Synthstage.Imaging;
using Synthstage.Segmentation;

namespace Synthstage.Bench;

/// <summary>
/// Per-frame cost of the matte-quality stages at 1280×720 on a synthetic frame: temporal smoothing, shaping,
/// bilinear enlargement, and guided enlargement (filter alone and with feather). Prints the median wall time and the
/// mean process CPU time per call (steadier than wall time on a loaded machine), and the guided path's extra cost.
/// </summary>
internal static class MatteBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        const int width = 1280, height = 720, maskWidth = 256, maskHeight = 144;
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 60;
        var frame = new byte[width * height * 3];
        var random = new Random(1);
        random.NextBytes(frame);
        var mask = new float[maskWidth * maskHeight];
        for (var y = 0; y < maskHeight; y++)
            for (var x = 0; x < maskWidth; x++)
                mask[y * maskWidth + x] = 1f / (1f + MathF.Exp((MathF.Sqrt((x - 128f) * (x - 128f) + (y - 72f) * (y - 72f)) - 50f) / 1.5f));
        var alpha = new byte[width * height];
        var plane = new float[width * height];
        var options = new MatteOptions();
        Console.WriteLine($"{"stage (1280×720, mask 256×144)",-40} {"median ms",10} {"CPU ms",8}");
        var smoother = new TemporalMaskSmoother(mask.Length, 0.7f);
        var work = (float[])mask.Clone();
        Measure("temporal smoothing", () => { mask.CopyTo(work, 0); smoother.Smooth(work); });
        using var shaper = new MatteShaper(options, maskWidth, maskHeight, width, height);
        Measure("shape (threshold, softness)", () => { mask.CopyTo(work, 0); shaper.Apply(work); });
        using var bilinear = new BilinearMatteEnlarger(maskWidth, maskHeight, width, height);
        var off = Measure("enlarge: bilinear (--refine off)", () => bilinear.Enlarge(frame, mask, alpha));
        var filter = new FastGuidedFilter(maskWidth, maskHeight, width, height, options.RefineRadius, options.RefineEpsilon,
            GuidedMatteEnlarger.GridSubsample(maskWidth, maskHeight, width, height));
        Measure("guided filter alone", () => filter.Filter(frame, mask, plane));
        var feather = new GaussianFeather(width, height, options.Feather);
        Measure($"feather σ={options.Feather} ({feather.Taps} taps)", () => feather.Apply(plane, alpha));
        using var guided = new GuidedMatteEnlarger(options, maskWidth, maskHeight, width, height);
        var on = Measure("enlarge: guided + feather (default)", () => guided.Enlarge(frame, mask, alpha));
        Console.WriteLine($"{"guided − bilinear",-40} {on.Wall - off.Wall,10:F2} {on.Cpu - off.Cpu,8:F2}");
        return Task.FromResult(0);

        (double Wall, double Cpu) Measure(string name, Action action)
        {
            for (var i = 0; i < 5; i++) action();
            var times = new double[iterations];
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < iterations; i++)
            {
                var t = Stopwatch.GetTimestamp();
                action();
                times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
            var cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / iterations;
            Array.Sort(times);
            Console.WriteLine($"{name,-40} {times[iterations / 2],10:F2} {cpuPerCall,8:F2}");
            return (times[iterations / 2], cpuPerCall);
        }
    }
}
