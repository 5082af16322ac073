using Synthstage.Imaging;
using Synthstage.Tests.Tfjs;
using Synthstage.Tfjs;
using Synthstage.Upscaling;

namespace Synthstage.Tests.Upscaling;

/// <summary>Tiled super-resolution on a small imported model (always runs) and on the real ESRGAN Slim ×2 (needs npm).</summary>
public class SuperResolutionUpscalerTests
{
    /// <summary>A ×2 model with the ESRGAN layer set and a receptive radius of 1 + 2 + 1 + 0.5 → 5 source pixels.</summary>
    private static string SyntheticModel()
    {
        var m = new TfjsTestModel(seed: 5);
        var x = m.Input(3);
        var a = m.Conv2D(x, 6, 3, activation: "relu");
        var b = m.Conv2D(m.Concatenate([x, a], -1), 6, 5);
        var c = m.Conv2D(m.AddLayer([a, b]), 3, 3);
        var y = m.Conv2D(m.UpSampling2D(c, 2, 2), 3, 3);
        var json = m.Save(y);
        var onnx = Path.Combine(Path.GetDirectoryName(json)!, "x2.onnx");
        TfjsImporter.Convert(json, onnx);
        return onnx;
    }

    private static float[] RandomImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, width * height * 3).Select(_ => (float)random.NextDouble()).ToArray();
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (p, q) => Math.Abs(p - q)).Max();

    [Fact]
    public void TilesEqualOneWholeImageRun()
    {
        var model = SyntheticModel();
        try
        {
            const int width = 70, height = 53;
            var source = RandomImage(width, height, 1);
            using var whole = SuperResolutionUpscaler.Create(model, new SuperResolutionOptions { TileSize = 128 });
            using var tiled = SuperResolutionUpscaler.Create(model, new SuperResolutionOptions { TileSize = 24 });
            Assert.Equal((2, 5), (tiled.Factor, tiled.Overlap));
            var expected = new float[width * height * 12];
            var actual = new float[expected.Length];
            whole.Upscale(source, width, height, expected, TestContext.Current.CancellationToken);
            tiled.Upscale(source, width, height, actual, TestContext.Current.CancellationToken);
            Assert.True(MaxDifference(expected, actual) <= 1e-3f, $"max |diff| {MaxDifference(expected, actual)}");

            // The same tiles without overlap show seams: proves the comparison above can fail.
            using var seams = SuperResolutionUpscaler.Create(model, new SuperResolutionOptions { TileSize = 24, Overlap = 0 });
            seams.Upscale(source, width, height, actual, TestContext.Current.CancellationToken);
            Assert.True(MaxDifference(expected, actual) > 1e-2f);
        }
        finally { Directory.Delete(Path.GetDirectoryName(model)!, true); }
    }

    [Fact]
    public void WholeImageRunMatchesTheDirectLoopReference()
    {
        var model = SyntheticModel();
        var json = Path.Combine(Path.GetDirectoryName(model)!, "model.json");
        try
        {
            const int width = 19, height = 11;
            var source = RandomImage(width, height, 2);
            using var upscaler = SuperResolutionUpscaler.Create(model, new SuperResolutionOptions { TileSize = 8, Overlap = 3 });
            var actual = new float[width * height * 12];
            // Tiles of 8 with overlap 3 < radius 5: only the whole-image reference comparison with a sufficient overlap holds.
            using var exact = SuperResolutionUpscaler.Create(model, new SuperResolutionOptions { TileSize = 12 });
            exact.Upscale(source, width, height, actual, TestContext.Current.CancellationToken);
            var expected = TfjsReferenceForward.Run(json, new TfjsReferenceForward.Tensor(height, width, 3, source));
            Assert.Equal((height * 2, width * 2, 3), (expected.H, expected.W, expected.C));
            Assert.True(MaxDifference(expected.Data, actual) <= 1e-4f, $"max |diff| {MaxDifference(expected.Data, actual)}");
            upscaler.Upscale(source, width, height, actual, TestContext.Current.CancellationToken);
            Assert.True(MaxDifference(expected.Data, actual) > 1e-4f);
        }
        finally { Directory.Delete(Path.GetDirectoryName(model)!, true); }
    }

    [Fact]
    public void BytesAreRoundedFromTheFloatResult()
    {
        var model = SyntheticModel();
        try
        {
            var image = new RgbImage(9, 7, RandomImage(9, 7, 3).Select(v => (byte)(v * 255)).ToArray());
            using var upscaler = SuperResolutionUpscaler.Create(model);
            var result = upscaler.Upscale(image, TestContext.Current.CancellationToken);
            Assert.Equal((18, 14), (result.Width, result.Height));
            var floats = new float[18 * 14 * 3];
            upscaler.Upscale(image.Pixels.Select(b => b / 255f).ToArray(), 9, 7, floats, TestContext.Current.CancellationToken);
            for (var i = 0; i < floats.Length; i++) Assert.Equal((byte)Math.Clamp(MathF.Round(floats[i] * 255f), 0, 255), result.Pixels[i]);
        }
        finally { Directory.Delete(Path.GetDirectoryName(model)!, true); }
    }

    [Fact]
    public void AnImageTooLargeIsRefusedBeforeAllocating()
    {
        var model = SyntheticModel();
        try
        {
            using var upscaler = SuperResolutionUpscaler.Create(model);
            // The pixel buffer is never read: the size check comes first.
            var e = Assert.Throws<SynthstageException>(() => upscaler.Upscale(new RgbImage(30000, 20000, new byte[3]), TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.BadInput, e.ExitCode);
            Assert.Contains("30000×20000", e.Message);
        }
        finally { Directory.Delete(Path.GetDirectoryName(model)!, true); }
    }

    [Fact]
    public void OverlapThatFillsTheTileIsAUsageError()
    {
        var model = SyntheticModel();
        try
        {
            var e = Assert.Throws<SynthstageException>(() => SuperResolutionUpscaler.Create(model, new SuperResolutionOptions { TileSize = 10 }));
            Assert.Equal(ExitCodes.Usage, e.ExitCode);
        }
        finally { Directory.Delete(Path.GetDirectoryName(model)!, true); }
    }

    [Theory]
    [InlineData("esrgan-x2", "slim", 2)]
    [InlineData("medium-x4", "medium", 4)]
    [InlineData("ESRGAN-SLIM-x8", "slim", 8)]
    [InlineData("esrgan-medium-x3", "medium", 3)]
    public void ModelNamesParse(string name, string size, int scale) => Assert.Equal(new EsrganModel(size, scale), EsrganModel.Parse(name));

    [Theory]
    [InlineData("esrgan-x5")]
    [InlineData("large-x2")]
    [InlineData("esrgan")]
    public void UnknownModelNamesListTheKnownOnes(string name)
    {
        var e = Assert.Throws<SynthstageException>(() => EsrganModel.Parse(name));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("esrgan-x2, esrgan-x3, esrgan-x4, esrgan-x8, medium-x2", e.Message);
    }
}
