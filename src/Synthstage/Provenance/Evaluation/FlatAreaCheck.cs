using Synthstage.Compositing;
using Synthstage.Imaging;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance.Evaluation;

/// <summary>The kinds of smooth background a keyed render puts behind the subject, where grain shows first.</summary>
public enum FlatBackground
{
    /// <summary>One solid colour (<c>--background #RRGGBB</c>).</summary>
    SolidColour,

    /// <summary>A smooth diagonal gradient, as in a studio backdrop or a generated sky.</summary>
    Gradient,

    /// <summary>The frame itself blurred (<c>--background blur</c>), made by <see cref="BlurredFrameBackground"/>.</summary>
    BlurredFrame,
}

/// <summary>
/// How much the watermark shows on smooth areas: a real frame is kept in a central band (the "subject") and the
/// rest is replaced by a solid colour, a gradient or the frame blurred, as a keyed render would; the frame is marked
/// and the standard deviation of the luma the mark added is measured in 200×200 patches of the background, far from
/// the subject. An invisible mark adds almost nothing there (the target is at most 0.5 levels).
/// </summary>
public static class FlatAreaCheck
{
    /// <summary>Edge of the measured square patches, in pixels.</summary>
    public const int PatchSize = 200;

    /// <summary>The most luma standard deviation the mark may add in a flat patch, in 8-bit levels.</summary>
    public const double TargetAddedStd = 0.5;

    /// <summary>Distance of the patches from the frame's corners, in pixels.</summary>
    private const int PatchMargin = 40;

    /// <summary>The background colour of <see cref="FlatBackground.SolidColour"/>: a mid-tone blue-grey.</summary>
    public static (byte R, byte G, byte B) SolidColour { get; } = (74, 107, 138);

    /// <summary>
    /// The real frame in the central 30 % of the width (full height), the chosen background elsewhere. Needs a frame of
    /// at least 1280×480 pixels, so the patches stay 200 px or more away from the subject.
    /// </summary>
    public static RgbImage Compose(RgbImage frame, FlatBackground background)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width < 1280 || frame.Height < 480)
            throw new ArgumentException($"the flat-area check needs a frame of at least 1280×480; got {frame.Width}×{frame.Height}", nameof(frame));
        var (w, h) = (frame.Width, frame.Height);
        var pixels = new byte[w * h * 3];
        switch (background)
        {
            case FlatBackground.SolidColour:
                for (var i = 0; i < pixels.Length; i += 3) (pixels[i], pixels[i + 1], pixels[i + 2]) = SolidColour;
                break;
            case FlatBackground.Gradient:
                // About 0.1 level per pixel: a smooth ramp with 8-bit steps, the case where dithering-like grain is most visible.
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++)
                    {
                        var t = (double)(x + y) / (w + h);
                        var i = (y * w + x) * 3;
                        pixels[i] = (byte)Math.Round(40 + 150 * t);
                        pixels[i + 1] = (byte)Math.Round(70 + 120 * t);
                        pixels[i + 2] = (byte)Math.Round(110 + 90 * t);
                    }
                break;
            case FlatBackground.BlurredFrame:
                new BlurredFrameBackground(w, h).Render(frame.Pixels, pixels);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(background), background, null);
        }
        var (from, to) = SubjectColumns(w);
        for (var y = 0; y < h; y++)
            frame.Pixels.AsSpan((y * w + from) * 3, (to - from) * 3).CopyTo(pixels.AsSpan((y * w + from) * 3));
        return new RgbImage(w, h, pixels);
    }

    /// <summary>The measured patches: top-left and bottom-right of the background, at least 200 px from the subject.</summary>
    public static IReadOnlyList<(int X, int Y)> Patches(int width, int height) =>
        [(PatchMargin, PatchMargin), (width - PatchMargin - PatchSize, height - PatchMargin - PatchSize)];

    /// <summary>The largest standard deviation of added luma (BT.709) over the patches of one marked frame.</summary>
    public static double AddedLumaStd(RgbImage unmarked, RgbImage marked)
    {
        ArgumentNullException.ThrowIfNull(unmarked);
        ArgumentNullException.ThrowIfNull(marked);
        var worst = 0.0;
        foreach (var (px, py) in Patches(unmarked.Width, unmarked.Height))
        {
            double sum = 0, squares = 0;
            for (var y = py; y < py + PatchSize; y++)
                for (var x = px; x < px + PatchSize; x++)
                {
                    var i = (y * unmarked.Width + x) * 3;
                    var d = Luma(marked.Pixels, i) - Luma(unmarked.Pixels, i);
                    sum += d;
                    squares += d * d;
                }
            const double n = PatchSize * PatchSize;
            worst = Math.Max(worst, Math.Sqrt(Math.Max(0, squares / n - sum / n * (sum / n))));
        }
        return worst;
    }

    /// <summary>Composes the frame over each background, marks it with the default embedder and measures it.</summary>
    /// <returns>The added standard deviation per background, in <see cref="FlatBackground"/> order.</returns>
    public static double[] Measure(RgbImage frame, uint payload)
    {
        var backgrounds = Enum.GetValues<FlatBackground>();
        var result = new double[backgrounds.Length];
        var embedder = WatermarkEmbedder.Create(payload, frame.Width, frame.Height);
        for (var b = 0; b < backgrounds.Length; b++)
        {
            var unmarked = Compose(frame, backgrounds[b]);
            var marked = new RgbImage(unmarked.Width, unmarked.Height, (byte[])unmarked.Pixels.Clone());
            embedder.Embed(marked.Pixels);
            result[b] = AddedLumaStd(unmarked, marked);
        }
        return result;
    }

    /// <summary>Human-readable name of a background.</summary>
    public static string Describe(FlatBackground background) => background switch
    {
        FlatBackground.SolidColour => "solid colour",
        FlatBackground.Gradient => "gradient",
        FlatBackground.BlurredFrame => "blurred frame",
        _ => background.ToString(),
    };

    private static (int From, int To) SubjectColumns(int width) => ((int)(width * 0.35), (int)(width * 0.65));

    private static double Luma(byte[] p, int i) => 0.2126 * p[i] + 0.7152 * p[i + 1] + 0.0722 * p[i + 2];
}
