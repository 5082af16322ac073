using System.Diagnostics;
using System.Globalization;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Upscaling;
using Synthstage.Walks.Upscaling;

namespace Synthstage.Bench.Upscaling;

/// <summary>
/// <c>upscale [--runs 3] [--threads 0] [--size slim|medium]</c>: ESRGAN (Slim by default) ×2 speed on a 704×384 plate (ms per output megapixel, median of
/// the runs after one warm-up), and PSNR of ESRGAN ×2 and ×4 against our Lanczos-3 on frames of the shared footage
/// shrunk with ffmpeg's bicubic filter and enlarged back (against the original frames). Models install into the
/// default store on first use (npm).
/// </summary>
public static class SuperResolutionBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = int.Parse(BenchTools.Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var threads = int.Parse(BenchTools.Option(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        var footage = Path.Combine(BenchTools.RepositoryRoot(), "..", "shared", "data", "footage");
        var clips = Directory.GetFiles(footage, "*.mp4").Order(StringComparer.Ordinal).ToArray();
        var size = BenchTools.Option(args, "--size") ?? "slim";
        var options = new SuperResolutionOptions { IntraOpThreads = threads };
        var x2 = await EsrganModelInstaller.EnsureInstalledAsync(ModelStore.Default, new EsrganModel(size, 2), null, CancellationToken.None);
        var x4 = await EsrganModelInstaller.EnsureInstalledAsync(ModelStore.Default, new EsrganModel(size, 4), null, CancellationToken.None);

        // 1. Speed: a 704×384 plate (a real frame at SD's native 16:9 size) to 1408×768.
        var plate = new RgbImage(704, 384, await FrameAsync(clips[0], 2, "scale=704:384:flags=bicubic"));
        using (var upscaler = SuperResolutionUpscaler.Create(x2, options))
        {
            upscaler.Upscale(plate);
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var clock = Stopwatch.StartNew();
                upscaler.Upscale(plate);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var megapixels = 1408 * 768 / 1e6;
            Console.WriteLine($"esrgan-{size}-x2 704x384 -> 1408x768 (tile {upscaler.TileSize}, overlap {upscaler.Overlap}, threads {threads}): " +
                $"median {BenchTools.Median(times):F0} ms, {BenchTools.Median(times) / megapixels:F0} ms/MP out ({string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))})");
        }

        // 2. Quality: 1280×720 originals; ×2 from 640×360 and ×4 from 320×180, both shrunk with a bicubic filter.
        foreach (var (model, factor) in new[] { (x2, 2), (x4, 4) })
        {
            using var upscaler = SuperResolutionUpscaler.Create(model, options);
            using var lanczos = new LanczosUpscaler(factor);
            var sr = new List<double>();
            var lz = new List<double>();
            foreach (var clip in clips)
                foreach (var seconds in new[] { 1.0, 5.0 })
                {
                    var original = await FrameAsync(clip, seconds, "scale=1280:720");
                    var small = await FrameAsync(clip, seconds, $"scale=1280:720,scale={1280 / factor}:{720 / factor}:flags=bicubic");
                    var enlarged = upscaler.Upscale(new RgbImage(1280 / factor, 720 / factor, small)).Pixels;
                    var reference = new byte[original.Length];
                    lanczos.Upscale(small, 1280 / factor, 720 / factor, reference);
                    sr.Add(Psnr(enlarged, original));
                    lz.Add(Psnr(reference, original));
                    Console.WriteLine($"  x{factor} {Path.GetFileName(clip)} @{seconds:F0}s: esrgan {sr[^1]:F2} dB, lanczos {lz[^1]:F2} dB");
                }
            Console.WriteLine($"esrgan-{size}-x{factor} vs lanczos-3 on {sr.Count} frames: {sr.Average():F2} dB vs {lz.Average():F2} dB (mean PSNR, {sr.Average() - lz.Average():+0.00;-0.00} dB)");
        }
        return 0;
    }

    private static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return 10 * Math.Log10(255.0 * 255.0 / Math.Max(sum / a.Length, 1e-12));
    }

    internal static async Task<byte[]> FrameAsync(string video, double seconds, string filter)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-ss", seconds.ToString(CultureInfo.InvariantCulture), "-i", video, "-vf", filter,
                     "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        using var memory = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.BaseStream.CopyToAsync(memory);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed on {video}: {await error}");
        return memory.ToArray();
    }
}
