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

    /// <summary>The plate as the background enlarges it, computed independently with the same cover routine.</summary>
    private static byte[] Enlarged(RgbImage image, int width, int height)
    {
        using var bitmap = image.ToBitmap();
        return ImageBackground.CoverToRgb24(bitmap, width, height);
    }

    private static byte[] Crop(byte[] plate, int plateWidth, int x0, int y0)
    {
        var frame = new byte[FrameWidth * FrameHeight * 3];
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
        Assert.Equal(Enlarged(image, FrameWidth, FrameHeight), frame);
    }

    [Fact]
    public void PanStartsAtTheLeftEdgeAndEndsAtTheRightEdgeExactly()
    {
        var image = Pattern(64, 27);
        var pan = new PlateMotion(BackgroundMotion.Pan, 0.25);
        using var background = PlateBackground.Create(image, pan, FrameWidth, FrameHeight, 11);
        Assert.False(background.IsStatic);
        var (pw, ph) = pan.PlateSize(FrameWidth, FrameHeight);
        var plate = Enlarged(image, pw, ph);
        var frame = new byte[FrameWidth * FrameHeight * 3];
        background.Render(0, [], frame);
        Assert.Equal(Crop(plate, pw, 0, 0), frame);
        background.Render(10, [], frame);
        Assert.Equal(Crop(plate, pw, pw - FrameWidth, 0), frame);
    }

    [Fact]
    public void MidMoveFramesMatchABilinearReference()
    {
        var image = Pattern(50, 40);
        foreach (var motion in new[] { new PlateMotion(BackgroundMotion.Pan, 0.3), new PlateMotion(BackgroundMotion.Zoom, 0.3) })
        {
            using var background = PlateBackground.Create(image, motion, FrameWidth, FrameHeight, 9);
            var (pw, ph) = motion.PlateSize(FrameWidth, FrameHeight);
            var plate = Enlarged(image, pw, ph);
            var frame = new byte[FrameWidth * FrameHeight * 3];
            for (var index = 0; index < 9; index += 3)
            {
                background.Render(index, [], frame);
                var window = motion.Window(index, 9, pw, ph, FrameWidth, FrameHeight);
                for (var y = 0; y < FrameHeight; y += 7)
                    for (var x = 0; x < FrameWidth; x += 5)
                        for (var c = 0; c < 3; c++)
                        {
                            var expected = Bilinear(plate, pw, ph, window.X + (x + 0.5) * window.Width / FrameWidth - 0.5,
                                window.Y + (y + 0.5) * window.Height / FrameHeight - 0.5, c);
                            Assert.True(Math.Abs(frame[(y * FrameWidth + x) * 3 + c] - expected) <= 1,
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

    private static double Bilinear(byte[] plate, int width, int height, double sx, double sy, int c)
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
