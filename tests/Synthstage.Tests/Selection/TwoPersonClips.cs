using System.Globalization;
using Synthstage.Imaging;
using Synthstage.Tests.Video;
using Synthstage.Video;

namespace Synthstage.Tests.Selection;

/// <summary>
/// Two-person clips made from juggle.mp4 with ffmpeg, with each person's ground-truth region: the single-person pose
/// matte of that person's own footage (alone in it), placed where the clip shows them.
/// </summary>
internal static class TwoPersonClips
{
    public const int Frames = 48;

    /// <summary>Frame masks of a PNG sequence folder (grey 0..1, one value per pixel), in order.</summary>
    public static List<float[]> ReadMasks(string folder, out int width, out int height)
    {
        var masks = new List<float[]>();
        (width, height) = (0, 0);
        foreach (var file in Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal))
        {
            var image = RgbImage.Load(file);
            (width, height) = (image.Width, image.Height);
            var mask = new float[image.Width * image.Height];
            for (var i = 0; i < mask.Length; i++) mask[i] = image.Pixels[i * 3] / 255f;
            masks.Add(mask);
        }
        return masks;
    }

    /// <summary>Renders the grey matte of <paramref name="clip"/> into a PNG folder and reads it back.</summary>
    public static async Task<List<float[]>> MatteAsync(string clip, string folder, KeyingOptions options)
    {
        Directory.CreateDirectory(folder);
        var options1 = options with { Provenance = options.Provenance with { Watermark = false, Manifest = false } };
        await MatteJob.RunAsync(clip, folder + Path.DirectorySeparatorChar, MatteOutputKind.Mask, options1, ct: TestContext.Current.CancellationToken);
        return ReadMasks(folder, out _, out _);
    }

    /// <summary>Juggle frames from <paramref name="start"/>, cropped around the juggler and scaled to 220×360.</summary>
    public static string Crop(int start) => string.Create(CultureInfo.InvariantCulture,
        $"trim=start_frame={start}:end_frame={start + Frames},setpts=PTS-STARTPTS,crop=440:720:500:0,scale=220:360");

    /// <summary>(mean matte inside <paramref name="region"/>, region pixels) where region &gt; 0.5 and <paramref name="notIn"/> (if any) ≤ 0.5.</summary>
    public static (double Mean, int Pixels) MeanOver(float[] matte, float[] region, float[]? notIn = null)
    {
        double sum = 0;
        var count = 0;
        for (var i = 0; i < matte.Length; i++)
        {
            if (region[i] <= 0.5f || (notIn is not null && notIn[i] > 0.5f)) continue;
            sum += matte[i];
            count++;
        }
        return (count == 0 ? 0 : sum / count, count);
    }

    /// <summary>The centre of mass of region &gt; 0.5 (a point on the body to click).</summary>
    public static (int X, int Y) Centroid(float[] region, int width)
    {
        double sx = 0, sy = 0;
        var count = 0;
        for (var i = 0; i < region.Length; i++)
        {
            if (region[i] <= 0.5f) continue;
            sx += i % width;
            sy += i / width;
            count++;
        }
        return ((int)(sx / count), (int)(sy / count));
    }

    public static Task RunAsync(params string[] args) => KeyingJobTests.RunFfmpegAsync(args);
}
