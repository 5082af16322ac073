using System.Diagnostics;
using System.Globalization;
using SkiaSharp;

namespace Synthstage.Bench;

/// <summary>Small helpers every benchmark uses: medians, argument lookup, the repository root, a test background.</summary>
internal static class BenchTools
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// CPU time of the calling thread in milliseconds (Linux/macOS <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), or NaN
    /// elsewhere. Unlike wall time it barely moves when other processes share the cores, so per-piece costs measured
    /// with it compare across runs on a loaded machine.
    /// </summary>
    public static double ThreadCpuMilliseconds()
    {
        if (OperatingSystem.IsWindows()) return double.NaN;
        var clock = OperatingSystem.IsMacOS() ? 16 : 3;
        return ClockGetTime(clock, out var time) == 0 ? time.Seconds * 1e3 + time.Nanoseconds / 1e6 : double.NaN;
    }

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or null.</summary>
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The frame at 4 s of <paramref name="clip"/>, scaled to width×height, as packed RGB24 (decoded by ffmpeg).</summary>
    public static async Task<byte[]> FrameAsync(string clip, int width, int height)
    {
        var start = new ProcessStartInfo("ffmpeg", ["-v", "error", "-ss", "4", "-i", clip, "-frames:v", "1", "-vf",
            string.Create(CultureInfo.InvariantCulture, $"scale={width}:{height}"), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        using var bytes = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(bytes);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || bytes.Length != width * height * 3) throw new InvalidOperationException($"ffmpeg could not read a frame of {clip}");
        return bytes.ToArray();
    }

    /// <summary>The clip given with <c>--clip</c>, else the shared juggle.mp4 beside the repository.</summary>
    public static string ClipOption(string[] args) =>
        Option(args, "--clip") ?? Path.Combine(RepositoryRoot(), "..", "shared", "data", "footage", "juggle.mp4");

    /// <summary>The folder holding Synthstage.sln (the benchmark may run from its bin folder).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Synthstage.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>
    /// The synthstage command users run: the ReadyToRun build <c>./synthstage</c> publishes (published here first when a
    /// source changed), so start-up is measured as users see it. <c>--cli DLL</c> picks another build.
    /// </summary>
    public static string CliPath(string[] args)
    {
        if (Option(args, "--cli") is { } given) return Path.GetFullPath(given);
        var root = RepositoryRoot();
        var launcher = Path.Combine(root, "synthstage");
        var info = new System.Diagnostics.ProcessStartInfo("bash", [launcher, "--version"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"./synthstage --version failed ({process.ExitCode}): {error.Result.Trim()}");
        return Path.Combine(root, "artifacts", "synthstage", "Synthstage.Cli.dll");
    }

    /// <summary>Writes a diagonal blue-to-orange gradient PNG, the image background of the composite benchmarks.</summary>
    public static void WriteBackground(string path, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint())
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [new SKColor(30, 60, 120), new SKColor(240, 170, 90)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 90);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
