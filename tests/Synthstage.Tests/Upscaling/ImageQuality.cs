using System.Diagnostics;

namespace Synthstage.Tests.Upscaling;

/// <summary>PSNR and real frames for the super-resolution tests.</summary>
public static class ImageQuality
{
    /// <summary>PSNR in dB of two equal-length 8-bit images, over every channel value.</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        var mse = sum / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>One RGB frame of <paramref name="video"/> through the ffmpeg filter chain <paramref name="filter"/>, as raw bytes.</summary>
    public static async Task<byte[]> FrameAsync(string video, double seconds, string filter)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-ss", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", video,
                     "-vf", filter, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        using var memory = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.BaseStream.CopyToAsync(memory);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return memory.ToArray();
    }
}
