using Synthstage.Imaging;
using Synthstage.Compositing;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Scenes;

namespace Synthstage.Tests.Scenes;

public sealed class PlateBackgroundTests
{
    private const int FrameWidth = 160;
    private const int FrameHeight = 90;

    private static RgbImage Pattern(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                pixels[i] = (byte)(x * 255 / (width - 1));
                pixels[i + 1] = (byte)(y * 255 / (height - 1));
                pixels[i + 2] = (byte)((x * 7 + y * 13) % 256);
            }
        return new RgbImage(width, height, pixels);
    }

    /// <summary>How far a plate byte may be from <see cref="Covered"/>: Skia resamples in single precision and rounds its own way.</summary>
    private const int CoverTolerance = 1;

    /// <summary>
    /// The plate as the background enlarges it, computed directly: the image scaled by max(width/w, height/h) to cover
    /// (the scaled size rounded up to whole pixels), centred, each pixel sampled at its centre with the Mitchell–Netravali
    /// cubic (B = C = 1/3) over 4×4 source pixels, edges clamped, the result rounded and clamped to 0..255.
    /// </summary>
    private static double[] Covered(RgbImage image, int width, int height)
    {
        var scale = Math.Max((double)width / image.Width, (double)height / image.Height);
        var scaledWidth = Math.Max(width, Math.Ceiling(image.Width * scale));
        var scaledHeight = Math.Max(height, Math.Ceiling(image.Height * scale));
        double left = (width - scaledWidth) / 2, top = (height - scaledHeight) / 2;
        var plate = new double[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                // The destination pixel's centre in source pixel coordinates (source pixel i has its centre at i).
                var u = (x + 0.5 - left) * image.Width / scaledWidth - 0.5;
                var v = (y + 0.5 - top) * image.Height / scaledHeight - 0.5;
                int u0 = (int)Math.Floor(u), v0 = (int)Math.Floor(v);
                for (var c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (var j = -1; j <= 2; j++)
                        for (var i = -1; i <= 2; i++)
                        {
                            var sx = Math.Clamp(u0 + i, 0, image.Width - 1);
                            var sy = Math.Clamp(v0 + j, 0, image.Height - 1);
                            sum += Mitchell(u - (u0 + i)) * Mitchell(v - (v0 + j)) * image.Pixels[(sy * image.Width + sx) * 3 + c];
                        }
                    plate[(y * width + x) * 3 + c] = Math.Clamp(Math.Round(sum), 0, 255);
                }
            }
        return plate;
    }

    /// <summary>The Mitchell–Netravali filter with B = C = 1/3.</summary>
    private static double Mitchell(double t)
    {
        const double b = 1 / 3.0, c = 1 / 3.0;
        t = Math.Abs(t);
        return t < 1 ? ((12 - 9 * b - 6 * c) * t * t * t + (-18 + 12 * b + 6 * c) * t * t + (6 - 2 * b)) / 6
            : t < 2 ? ((-b - 6 * c) * t * t * t + (6 * b + 30 * c) * t * t + (-12 * b - 48 * c) * t + (8 * b + 24 * c)) / 6
            : 0;
    }

    /// <summary>Every byte of <paramref name="actual"/> within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    private static void AssertNear(double[] expected, byte[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = Enumerable.Range(0, actual.Length).MaxBy(i => Math.Abs(actual[i] - expected[i]));
        Assert.True(Math.Abs(actual[worst] - expected[worst]) <= tolerance,
            $"{what}: byte {worst} (pixel {worst / 3}, channel {worst % 3}) is {actual[worst]}, expected {expected[worst]:F1}");
    }

    /// <summary>The plate size of a move, as documented: the frame enlarged by the travel (a pan only widens it), rounded up.</summary>
    private static (int Width, int Height) PlateSize(PlateMotion motion) => motion.Kind == BackgroundMotion.Pan
        ? ((int)Math.Ceiling(FrameWidth * (1 + motion.Travel)), FrameHeight)
        : ((int)Math.Ceiling(FrameWidth * (1 + motion.Travel)), (int)Math.Ceiling(FrameHeight * (1 + motion.Travel)));

    /// <summary>
    /// The plate window frame <paramref name="index"/> of <paramref name="count"/> shows, as documented: eased by half a
    /// cosine; a pan slides a frame-sized window from the left edge to the right edge at mid-height; a zoom goes from the
    /// whole plate to a frame-sized centre with the scale changing geometrically.
    /// </summary>
    private static (double X, double Y, double Width, double Height) Window(PlateMotion motion, int index, int count, int plateWidth, int plateHeight)
    {
        var t = 0.5 - 0.5 * Math.Cos(Math.PI * index / (count - 1));
        if (motion.Kind == BackgroundMotion.Pan) return (t * (plateWidth - FrameWidth), (plateHeight - FrameHeight) / 2.0, FrameWidth, FrameHeight);
        var scale = Math.Pow((double)FrameWidth / plateWidth, t);
        double w = plateWidth * scale, h = plateHeight * scale;
        return ((plateWidth - w) / 2, (plateHeight - h) / 2, w, h);
    }

    private static double[] Crop(double[] plate, int plateWidth, int x0, int y0)
    {
        var frame = new double[FrameWidth * FrameHeight * 3];
        for (var y = 0; y < FrameHeight; y++)
            plate.AsSpan(((y0 + y) * plateWidth + x0) * 3, FrameWidth * 3).CopyTo(frame.AsSpan(y * FrameWidth * 3));
        return frame;
    }

    [Fact]
    public void StillPlateIsTheImageCoveringTheFrame()
    {
        var image = Pattern(64, 48);
        using var background = PlateBackground.Create(image, PlateMotion.Still, FrameWidth, FrameHeight, 30);
        Assert.True(background.IsStatic);
        var frame = new byte[FrameWidth * FrameHeight * 3];
        background.Render(0, [], frame);
        AssertNear(Covered(image, FrameWidth, FrameHeight), frame, CoverTolerance, "still plate");
    }

    [Fact]
    public void PanStartsAtTheLeftEdgeAndEndsAtTheRightEdgeExactly()
    {
        var image = Pattern(64, 27);
        var pan = new PlateMotion(BackgroundMotion.Pan, 0.25);
        using var background = PlateBackground.Create(image, pan, FrameWidth, FrameHeight, 11);
        Assert.False(background.IsStatic);
        var (pw, ph) = PlateSize(pan);
        Assert.Equal((pw, ph), pan.PlateSize(FrameWidth, FrameHeight));
        var plate = Covered(image, pw, ph);
        var frame = new byte[FrameWidth * FrameHeight * 3];
        background.Render(0, [], frame);
        AssertNear(Crop(plate, pw, 0, 0), frame, CoverTolerance, "first pan frame");
        background.Render(10, [], frame);
        AssertNear(Crop(plate, pw, pw - FrameWidth, 0), frame, CoverTolerance, "last pan frame");
    }

    [Fact]
    public void MidMoveFramesMatchABilinearReference()
    {
        var image = Pattern(50, 40);
        foreach (var motion in new[] { new PlateMotion(BackgroundMotion.Pan, 0.3), new PlateMotion(BackgroundMotion.Zoom, 0.3) })
        {
            using var background = PlateBackground.Create(image, motion, FrameWidth, FrameHeight, 9);
            var (pw, ph) = PlateSize(motion);
            var plate = Covered(image, pw, ph);
            var frame = new byte[FrameWidth * FrameHeight * 3];
            for (var index = 0; index < 9; index += 3)
            {
                background.Render(index, [], frame);
                var window = Window(motion, index, 9, pw, ph);
                for (var y = 0; y < FrameHeight; y += 7)
                    for (var x = 0; x < FrameWidth; x += 5)
                        for (var c = 0; c < 3; c++)
                        {
                            var expected = Bilinear(plate, pw, ph, window.X + (x + 0.5) * window.Width / FrameWidth - 0.5,
                                window.Y + (y + 0.5) * window.Height / FrameHeight - 0.5, c);
                            // One level for the bilinear cut's rounding on top of the plate's own tolerance.
                            Assert.True(Math.Abs(frame[(y * FrameWidth + x) * 3 + c] - expected) <= CoverTolerance + 1,
                                $"{motion.Kind} frame {index} ({x},{y}) c{c}: {frame[(y * FrameWidth + x) * 3 + c]} vs {expected:F2}");
                        }
            }
        }
    }

    [Fact]
    public void MovingFramesAllocateNothing()
    {
        using var background = PlateBackground.Create(Pattern(64, 36), new PlateMotion(BackgroundMotion.Zoom), 1280, 720, 100);
        var frame = new byte[1280 * 720 * 3];
        background.Render(1, [], frame);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 2; i < 6; i++) background.Render(i, [], frame);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static double Bilinear(double[] plate, int width, int height, double sx, double sy, int c)
    {
        sx = Math.Clamp(sx, 0, width - 1);
        sy = Math.Clamp(sy, 0, height - 1);
        int x0 = (int)sx, y0 = (int)sy, x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        double fx = sx - x0, fy = sy - y0;
        double At(int x, int y) => plate[(y * width + x) * 3 + c];
        var top = At(x0, y0) + (At(x1, y0) - At(x0, y0)) * fx;
        var bottom = At(x0, y1) + (At(x1, y1) - At(x0, y1)) * fx;
        return top + (bottom - top) * fy;
    }
}
