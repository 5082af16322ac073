using SkiaSharp;
using Synthstage.Compositing;
using Synthstage.Imaging;

namespace Synthstage.Tests.Compositing;

public class BackgroundTests
{
    [Theory]
    [InlineData(1280, 720)]
    [InlineData(321, 241)]
    public void BlurOfAFlatFrameIsTheSameFlatColour(int width, int height)
    {
        var frame = new byte[width * height * 3];
        for (var i = 0; i < frame.Length; i += 3) (frame[i], frame[i + 1], frame[i + 2]) = (200, 100, 7);
        using var blur = new BlurredFrameBackground(width, height);
        var plate = new byte[frame.Length];
        blur.Render(frame, plate);
        for (var i = 0; i < plate.Length; i += 3)
        {
            Assert.InRange(plate[i], 199, 200);
            Assert.InRange(plate[i + 1], 99, 100);
            Assert.InRange(plate[i + 2], 6, 7);
        }
    }

    [Fact]
    public void BlurSpreadsAnEdgeAcrossManyPixels()
    {
        const int width = 640, height = 64;
        var frame = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = width / 2; x < width; x++)
                frame[(y * width + x) * 3] = 255;
        using var blur = new BlurredFrameBackground(width, height);
        var plate = new byte[frame.Length];
        blur.Render(frame, plate);
        int Red(int x) => plate[(height / 2 * width + x) * 3];
        Assert.InRange(Red(width / 2 - 24), 20, 127);
        Assert.InRange(Red(width / 2 + 24), 128, 235);
        Assert.True(Red(10) < 5 && Red(width - 10) > 250);
    }

    [Fact]
    public void RowAccumulateAddsEveryByte()
    {
        var values = Enumerable.Range(0, 301).Select(i => (byte)(i * 7)).ToArray();
        var sums = Enumerable.Repeat(0.5f, 301).ToArray();
        RowAccumulate.Add(values, sums);
        RowAccumulate.Add(values, sums);
        for (var i = 0; i < values.Length; i++) Assert.Equal(0.5f + 2 * values[i], sums[i]);
    }

    [Fact]
    public void ImageBackgroundCoversTheFrameAndKeepsTheCentre()
    {
        // A 400×100 image, left half red, right half blue, with a green centre stripe, onto a 100×100 frame.
        using var source = new SKBitmap(400, 100);
        for (var y = 0; y < 100; y++)
            for (var x = 0; x < 400; x++)
                source.SetPixel(x, y, x is >= 190 and < 210 ? SKColors.Lime : x < 200 ? SKColors.Red : SKColors.Blue);
        var rgb = ImageBackground.CoverToRgb24(source, 100, 100);
        Assert.Equal(100 * 100 * 3, rgb.Length);
        (byte, byte, byte) At(int x, int y) => (rgb[(y * 100 + x) * 3], rgb[(y * 100 + x) * 3 + 1], rgb[(y * 100 + x) * 3 + 2]);
        Assert.Equal((255, 0, 0), At(5, 50));
        Assert.Equal((0, 255, 0), At(50, 50));
        Assert.Equal((0, 0, 255), At(95, 50));
    }

    [Fact]
    public void BackgroundSpecParsesColoursBlurAndRejectsMissingFiles()
    {
        Assert.Equal(new BackgroundSpec.Solid(0x12, 0xab, 0xEF), BackgroundSpec.Parse("#12abEF"));
        Assert.IsType<BackgroundSpec.Blur>(BackgroundSpec.Parse("BLUR"));
        var ex = Assert.Throws<SynthstageException>(() => BackgroundSpec.Parse("/no/such/beach.jpg"));
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
        Assert.Contains("beach.jpg", ex.Message);
    }
}
