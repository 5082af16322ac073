using System.Diagnostics;
using System.Globalization;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Scenes;
using Synthstage.Upscaling;

namespace Synthstage.Bench.Upscaling;

/// <summary>
/// <c>upscale-plate [--runs 3] [--threads 0]</c>: a 704×384 plate (a real frame at SD 1.5's 16:9 size) to a 1280×720 and a
/// 2560×1440 frame, the way <c>composite --prompt</c> does it: enlarged by the smallest factor that covers the frame
/// (ESRGAN Slim and Medium, Lanczos, or none for cubic), then the cover resampling to the exact size. Prints the median
/// time of the runs after one warm-up, in ms and ms per output (frame) megapixel, and the peak resident memory of each
/// configuration (the kernel's high-water mark, reset before each one), then a 720p video frame ×2 (what <c>upscale IN.mp4</c>
/// does per frame) with Lanczos and ESRGAN Slim and Medium ×2. Models install into the default store (npm).
/// </summary>
public static class PlateUpscaleBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = int.Parse(BenchTools.Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var threads = int.Parse(BenchTools.Option(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        var footage = Path.Combine(BenchTools.RepositoryRoot(), "..", "shared", "data", "footage");
        var clip = Directory.GetFiles(footage, "*.mp4").Order(StringComparer.Ordinal).First();
        var plate = new RgbImage(704, 384, await SuperResolutionBenchmark.FrameAsync(clip, 2, "scale=704:384:flags=bicubic"));
        var options = new SuperResolutionOptions { IntraOpThreads = threads };
        Console.WriteLine($"plate 704x384 from {Path.GetFileName(clip)}, threads {threads}, {Environment.ProcessorCount} cores; resident before: {Resident("VmRSS")} MiB");

        foreach (var (width, height) in new[] { (1280, 720), (2560, 1440) })
        {
            var needed = Math.Max(width / 704.0, height / 384.0);
            var factor = UpscalerResolver.EsrganScales.First(s => s >= needed - 1e-6);
            var methods = new List<ResolvedUpscaler> { ResolvedUpscaler.Cubic(), new(UpscalerKind.Lanczos, factor) };
            foreach (var size in new[] { "slim", "medium" })
            {
                var model = new EsrganModel(size, factor);
                methods.Add(new ResolvedUpscaler(UpscalerKind.Esrgan, factor, model,
                    await EsrganModelInstaller.EnsureInstalledAsync(ModelStore.Default, model, null, CancellationToken.None)));
            }
            foreach (var method in methods)
            {
                GC.Collect();
                ResetPeak();
                var times = new List<double>();
                for (var i = 0; i <= runs; i++)
                {
                    var clock = Stopwatch.StartNew();
                    var enlarged = method.Enlarge(plate, options);
                    using var background = PlateBackground.Create(enlarged, PlateMotion.Still, width, height, 1);
                    if (i > 0) times.Add(clock.Elapsed.TotalMilliseconds);
                }
                var median = BenchTools.Median(times);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{method.Name,-11} 704x384 -> {width}x{height}: median {median:F0} ms, {median / (width * height / 1e6):F0} ms/MP out, peak resident {Resident("VmHWM")} MiB ({string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))})"));
            }
        }

        // A 720p video frame ×2, as `upscale IN.mp4` does per frame (no cover resampling).
        var frame = new RgbImage(1280, 720, await SuperResolutionBenchmark.FrameAsync(clip, 2, "scale=1280:720"));
        var frameMethods = new List<ResolvedUpscaler> { new(UpscalerKind.Lanczos, 2) };
        foreach (var size in new[] { "slim", "medium" })
        {
            var model = new EsrganModel(size, 2);
            frameMethods.Add(new ResolvedUpscaler(UpscalerKind.Esrgan, 2, model,
                await EsrganModelInstaller.EnsureInstalledAsync(ModelStore.Default, model, null, CancellationToken.None)));
        }
        foreach (var method in frameMethods)
        {
            GC.Collect();
            ResetPeak();
            var times = new List<double>();
            for (var i = 0; i <= runs; i++)
            {
                var clock = Stopwatch.StartNew();
                method.Enlarge(frame, options);
                if (i > 0) times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var median = BenchTools.Median(times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{method.Name,-11} frame 1280x720 -> 2560x1440: median {median:F0} ms, {median / (2560 * 1440 / 1e6):F0} ms/MP out, peak resident {Resident("VmHWM")} MiB ({string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))})"));
        }
        Console.WriteLine($"load average while measuring: {File.ReadAllText("/proc/loadavg").Trim()} (the CPU is shared: compare rows of one run)");
        return 0;
    }

    // Writing 5 to clear_refs resets the process's peak resident size (VmHWM) to the current one (Linux).
    private static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Resident(string field)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? "?" : (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).ToString(CultureInfo.InvariantCulture);
    }
}
