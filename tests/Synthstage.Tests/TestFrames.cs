using System.Diagnostics;

namespace Synthstage.Tests;

/// <summary>One frame of a video as packed RGB, decoded by the ffmpeg command line (independent of the engine's reader).</summary>
internal static class TestFrames
{
    /// <summary>Frame <paramref name="frame"/> of <paramref name="video"/>, scaled to <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] Decode(string video, int frame, int width, int height)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-i", video, "-vf", $"select=eq(n\\,{frame}),scale={width}:{height}", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        using var buffer = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        Assert.True(buffer.Length == width * height * 3, $"ffmpeg returned {buffer.Length} bytes: {stderr.Result}");
        return buffer.ToArray();
    }
}
