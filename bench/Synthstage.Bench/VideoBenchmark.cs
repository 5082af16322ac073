using System.Globalization;
using SkiaSharp;
using static Synthstage.Bench.BenchTools;

namespace Synthstage.Bench;

/// <summary>
/// End-to-end timing of <c>matte</c> and <c>composite --background IMAGE</c> against ffmpeg alone decoding
/// the same clip to raw RGB and encoding it back with the same encoder settings, all measured in this run.
/// Prints medians and ratios and peak memory (the process alone, and with its ffmpeg children); with --memory
/// also the peak memory for the clip and for the clip ten times over.
/// </summary>
internal static class VideoBenchmark
{
    private const string Preset = "veryfast";
    private const string Crf = "18";

    public static async Task<int> RunAsync(string[] args)
    {
        var clip = ClipOption(args);
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        // --model pose-full, --refine off …: passed to matte and composite as given.
        string[] keying = [.. new[] { "--model", "--refine", "--smoothing" }.Where(o => Option(args, o) is not null).SelectMany(o => new[] { o, Option(args, o)! })];
        if (!File.Exists(clip))
        {
            Console.Error.WriteLine($"clip '{clip}' not found; pass --clip FILE");
            return 2;
        }
        var work = Directory.CreateTempSubdirectory("synthstage-bench-").FullName;
        try
        {
            var cli = CliPath(args);
            var background = Path.Combine(work, "background.png");
            WriteBackground(background, 1920, 1080);
            var frames = await CountFramesAsync(clip);
            Console.WriteLine($"clip: {clip} ({frames} frames), {runs} runs each, x264 preset {Preset} crf {Crf}, {Environment.ProcessorCount} cores{(keying.Length > 0 ? ", " + string.Join(' ', keying) : "")}");

            // Warm-up: installs the model on first use and fills the page cache.
            await ChildProcess.RunAsync("dotnet", [cli, "matte", clip, "-o", Path.Combine(work, "warm.mp4"), .. keying]);

            var size = await SizeAsync(clip);
            var rate = await RateAsync(clip);
            // Interleave the jobs run by run so that load from elsewhere on a noisy machine hits all of them alike.
            var baseline = new List<ChildProcess.Outcome>();
            var matte = new List<ChildProcess.Outcome>();
            var composite = new List<ChildProcess.Outcome>();
            // --subject X,Y[@FRAME]: the same matte with a subject pointed at (multi-person tracking), to price the pointing.
            var subject = Option(args, "--subject");
            var pointed = new List<ChildProcess.Outcome>();
            for (var i = 0; i < runs; i++)
            {
                baseline.Add(await ChildProcess.RunAsync("bash", "-c",
                    $"ffmpeg -v error -i '{clip}' -f rawvideo -pix_fmt rgb24 - | ffmpeg -v error -y -f rawvideo -pix_fmt rgb24 -s {size} -r {rate} -i - -c:v libx264 -preset {Preset} -crf {Crf} -pix_fmt yuv420p '{work}/baseline{i}.mp4'"));
                matte.Add(await ChildProcess.RunAsync("dotnet", [cli, "matte", clip, "-o", Path.Combine(work, $"matte{i}.mp4"), "--preset", Preset, "--crf", Crf, .. keying]));
                composite.Add(await ChildProcess.RunAsync("dotnet", [cli, "composite", clip, "--background", background, "-o", Path.Combine(work, $"composite{i}.mp4"), "--preset", Preset, "--crf", Crf, .. keying]));
                if (subject is not null)
                    pointed.Add(await ChildProcess.RunAsync("dotnet", [cli, "matte", clip, "-o", Path.Combine(work, $"pointed{i}.mp4"), "--preset", Preset, "--crf", Crf, "--subject", subject, .. keying]));
            }

            Console.WriteLine();
            Console.WriteLine($"{"job",-34} {"median s",9} {"frames/s",9} {"× ffmpeg",9} {"CPU s",7} {"CPU ×",6} {"peak MB",8} {"tree MB",8}");
            Print("ffmpeg decode→rgb24→encode", baseline, frames, baseline);
            Print("synthstage matte (mask .mp4)", matte, frames, baseline);
            Print("synthstage composite --background", composite, frames, baseline);
            if (subject is not null)
            {
                Print($"synthstage matte --subject {subject}", pointed, frames, baseline);
                var (plain, withPoints) = (Median(matte.Select(o => o.Elapsed.TotalSeconds)), Median(pointed.Select(o => o.Elapsed.TotalSeconds)));
                Console.WriteLine($"pointing adds {(withPoints / plain - 1) * 100:F0} % to the matte's wall time ({plain:F2} s → {withPoints:F2} s)");
            }

            if (args.Contains("--memory"))
            {
                var longClip = Path.Combine(work, "ten.mp4");
                var list = Path.Combine(work, "list.txt");
                await File.WriteAllLinesAsync(list, Enumerable.Repeat($"file '{Path.GetFullPath(clip)}'", 10));
                await ChildProcess.RunAsync("ffmpeg", "-v", "error", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", longClip);
                var once = await ChildProcess.RunAsync("dotnet", cli, "composite", clip, "--background", background, "-o", Path.Combine(work, "once.mp4"));
                var ten = await ChildProcess.RunAsync("dotnet", cli, "composite", longClip, "--background", background, "-o", Path.Combine(work, "ten-out.mp4"));
                Console.WriteLine();
                Console.WriteLine($"peak memory, composite: clip once {once.PeakBytes / 1e6:F0} MB, clip ×10 {ten.PeakBytes / 1e6:F0} MB (ratio {(double)ten.PeakBytes / once.PeakBytes:F3}); with ffmpeg children {once.PeakTreeBytes / 1e6:F0} MB and {ten.PeakTreeBytes / 1e6:F0} MB; ×10 took {ten.Elapsed.TotalSeconds:F1} s");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Print(string name, IReadOnlyList<ChildProcess.Outcome> outcomes, int frames, IReadOnlyList<ChildProcess.Outcome> baseline)
    {
        var median = Median(outcomes.Select(o => o.Elapsed.TotalSeconds));
        var ratio = median / Median(baseline.Select(o => o.Elapsed.TotalSeconds));
        // CPU time (the whole process tree) is steadier than wall time on a shared machine, and says how much of a
        // ratio is work added to ffmpeg's rather than waiting.
        var cpu = Median(outcomes.Select(o => o.CpuTime.TotalSeconds));
        var cpuRatio = cpu / Median(baseline.Select(o => o.CpuTime.TotalSeconds));
        Console.WriteLine($"{name,-34} {median,9:F2} {frames / median,9:F1} {ratio,9:F2} {cpu,7:F2} {cpuRatio,6:F2} {outcomes.Max(o => o.PeakBytes) / 1e6,8:F0} {outcomes.Max(o => o.PeakTreeBytes) / 1e6,8:F0}");
    }

    private static async Task<int> CountFramesAsync(string clip) =>
        int.Parse(await ProbeAsync(clip, "stream=nb_frames"), CultureInfo.InvariantCulture);

    private static async Task<string> SizeAsync(string clip) => (await ProbeAsync(clip, "stream=width,height")).Replace(',', 'x');

    private static Task<string> RateAsync(string clip) => ProbeAsync(clip, "stream=r_frame_rate");

    private static async Task<string> ProbeAsync(string clip, string entries)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", entries, "-of", "csv=p=0", clip])
        {
            RedirectStandardOutput = true,
        };
        using var p = System.Diagnostics.Process.Start(info)!;
        var text = (await p.StandardOutput.ReadToEndAsync()).Trim();
        await p.WaitForExitAsync();
        return text;
    }
}
