using SkiaSharp;
using Synthstage.Imaging;
using Synthstage.Tests.Tfjs;
using Synthstage.Tfjs;
using Synthstage.Upscaling.Evaluation;

namespace Synthstage.Tests.Upscaling.Evaluation;

/// <summary>The MATLAB-style bicubic, the luma metrics and <c>eval upscale</c> end to end on a small imported model.</summary>
public sealed class UpscaleEvaluationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-eval-up-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Rgb(int width, int height, Func<int, int, int, double> value)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = (byte)Math.Round(value(x, y, c));
        return pixels;
    }

    [Fact]
    public void ShrinkingAFlatImageKeepsItFlat()
    {
        var flat = Rgb(16, 8, (_, _, c) => 40 + 50 * c);
        var small = new MatlabBicubic(2).Shrink(flat, 16, 8);
        Assert.Equal(Rgb(8, 4, (_, _, c) => 40 + 50 * c), small);
    }

    [Fact]
    public void ShrinkingARampSamplesItAtThePixelCentres()
    {
        // A cubic reproduces straight lines: away from the mirrored borders, output x is the ramp at (x + 0.5)·4 − 0.5.
        var ramp = Rgb(64, 16, (x, _, _) => 3.0 * x + 10);
        var small = new MatlabBicubic(4).Shrink(ramp, 64, 16);
        for (var x = 2; x < 14; x++)
            Assert.InRange(small[(2 * 16 + x) * 3] - (3.0 * ((x + 0.5) * 4 - 0.5) + 10), -0.5001, 0.5001); // byte rounding only
    }

    [Fact]
    public void AntialiasingRemovesAPatternFinerThanTheNewPixelsAndPointSamplingKeepsSomeOfIt()
    {
        // Stripes of period 2 (128/0/128/0…) cannot be shown at half the size: the low-passed shrink is near-flat grey.
        var stripes = Rgb(32, 8, (x, _, _) => x % 4 < 2 ? 200 : 40);
        var filtered = new MatlabBicubic(2).Shrink(stripes, 32, 8);
        var pointed = new MatlabBicubic(2, antialias: false).Shrink(stripes, 32, 8);
        static int Spread(byte[] row) => row.Skip(12).Take(24).Max() - row.Skip(12).Take(24).Min();
        Assert.True(Spread(filtered) < Spread(pointed), $"antialiased spread {Spread(filtered)}, point-sampled {Spread(pointed)}");
    }

    [Fact]
    public void EnlargingARampContinuesIt()
    {
        var ramp = Rgb(16, 8, (x, _, _) => 8.0 * x + 20);
        var big = new MatlabBicubic(2).Enlarge(ramp, 16, 8);
        for (var x = 4; x < 28; x++)
            Assert.InRange(big[(4 * 32 + x) * 3] - (8.0 * ((x + 0.5) / 2 - 0.5) + 20), -0.5001, 0.5001);
    }

    [Fact]
    public void LumaIsTheStudioRangeY()
    {
        var y = LumaQuality.Luma([255, 255, 255, 0, 0, 0, 255, 0, 0], 3, 1, 0);
        Assert.Equal(235.0, y[0], 3);
        Assert.Equal(16.0, y[1], 3);
        Assert.Equal(16 + 65.481, y[2], 3);
    }

    [Fact]
    public void PsnrOfAOneLevelOffsetIs48Db()
    {
        var a = Enumerable.Repeat(100.0, 400).ToArray();
        var b = Enumerable.Repeat(101.0, 400).ToArray();
        Assert.Equal(20 * Math.Log10(255), LumaQuality.Psnr(a, b), 6);
        Assert.Equal(double.PositiveInfinity, LumaQuality.Psnr(a, a));
    }

    [Fact]
    public void SsimIsOneForEqualPlanesAndFallsWithNoise()
    {
        var random = new Random(4);
        var a = Enumerable.Range(0, 32 * 24).Select(i => 128 + 60 * Math.Sin(i * 0.3)).ToArray();
        var noisy = a.Select(v => v + random.Next(-20, 21)).ToArray();
        Assert.Equal(1.0, LumaQuality.Ssim(a, a, 32, 24), 9);
        var s = LumaQuality.Ssim(a, noisy, 32, 24);
        Assert.InRange(s, 0.1, 0.99);
    }

    [Fact]
    public async Task EvalUpscaleScoresAModelAgainstLanczosAndBicubicAndWritesTheCrop()
    {
        var m = new TfjsTestModel(seed: 2);
        var json = m.Save(m.Conv2D(m.UpSampling2D(m.Conv2D(m.Input(3), 4, 3, activation: "relu"), 2, 2), 3, 3));
        var onnx = Path.Combine(_dir, "x2.onnx");
        TfjsImporter.Convert(json, onnx);
        Directory.Delete(Path.GetDirectoryName(json)!, true);
        var picture = Path.Combine(_dir, "picture.png");
        using (var bitmap = new RgbImage(128, 96, Rgb(128, 96, (x, y, c) => 128 + 100 * Math.Sin(x * 0.2 + c) * Math.Cos(y * 0.15))).ToBitmap())
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100))
            await File.WriteAllBytesAsync(picture, data.ToArray(), TestContext.Current.CancellationToken);
        var crop = Path.Combine(_dir, "crop.png");

        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "eval", "upscale", picture, "--models", onnx, "--threads", "1", "--crop", crop);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("bicubic-x2 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("lanczos-x2 ", StringComparison.Ordinal));
        // A random model is no super-resolution: it loses to Lanczos on every frame, and the table says so.
        Assert.Contains(lines, l => l.StartsWith("x2.onnx ", StringComparison.Ordinal) && l.Contains("better on 0/1"));
        var figure = RgbImage.Load(crop);
        Assert.Equal((3 * 96 * 3 + 2 * 4, 64 * 3), (figure.Width, figure.Height));
    }

    [Fact]
    public async Task EvalUpscaleOfAMissingInputIsBadInputInOneLine()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "eval", "upscale", Path.Combine(_dir, "none.mp4"), "--models", "esrgan-x2");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
