using System.Globalization;
using SkiaSharp;
using Synthstage.Imaging;
using Synthstage.Media;

namespace Synthstage.Studio;

/// <summary>One frame of a clip, decoded by seeking (ffmpeg <c>-ss</c> before the input, accurate to the frame), so a
/// scrubber or a click on frame 280 does not decode the 279 before it.</summary>
public static class ClipFrames
{
    // The last frames decoded: the scrubber decodes the frame a user then clicks on, so the click costs only the matte.
    private static readonly Lock CacheLock = new();
    private static readonly LinkedList<(string Key, RgbImage Image)> Recent = new();
    private const int CacheSize = 6;

    /// <summary>As <see cref="ReadAsync"/>, from the last few frames decoded when it is among them.</summary>
    public static async Task<RgbImage> ReadCachedAsync(VideoInfo info, int index, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(info);
        var key = $"{info.Path}|{File.GetLastWriteTimeUtc(info.Path).Ticks}|{index}";
        lock (CacheLock)
        {
            var hit = Recent.FirstOrDefault(r => r.Key == key);
            if (hit.Image is not null) return hit.Image;
        }
        var image = await ReadAsync(info, index, ct).ConfigureAwait(false);
        lock (CacheLock)
        {
            Recent.AddFirst((key, image));
            while (Recent.Count > CacheSize) Recent.RemoveLast();
        }
        return image;
    }

    /// <summary>Frame <paramref name="index"/> (zero-based) of the probed clip as RGB at display size.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: the frame is past the end or does not decode.</exception>
    public static async Task<RgbImage> ReadAsync(VideoInfo info, int index, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(info);
        var count = Math.Max(1, info.FrameCount);
        if (index < 0 || index >= count)
            throw new SynthstageException($"frame {index} is outside the clip (0 to {count - 1})", ExitCodes.BadInput);
        int width = info.DisplayWidth, height = info.DisplayHeight;
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error" };
        // A quarter frame early: the first frame at or after that time is frame `index`, whatever the rounding of its timestamp.
        if (!info.IsStillImage && index > 0)
            args.AddRange(["-ss", ((index - 0.25) / info.FrameRate).ToString("0.######", CultureInfo.InvariantCulture)]);
        args.AddRange(["-i", FfmpegTools.FileUrl(info.Path), "-map", "0:" + info.VideoStreamIndex.ToString(CultureInfo.InvariantCulture),
            "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        await using var process = FfmpegProcess.Start(FfmpegTools.FfmpegPath, args, redirectInput: false, redirectOutput: true);
        using var kill = process.KillOnCancel(ct);
        var pixels = new byte[width * height * 3];
        var received = await process.StandardOutput.ReadAtLeastAsync(pixels, pixels.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (received < pixels.Length)
            throw new SynthstageException($"frame {index} of '{Path.GetFileName(info.Path)}' does not decode ({process.FirstErrorLine})", ExitCodes.BadInput);
        return new RgbImage(width, height, pixels);
    }

    /// <summary>The image as JPEG (for the scrubber: small and quick to send).</summary>
    public static byte[] EncodeJpeg(RgbImage image, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = image.ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
