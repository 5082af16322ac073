using SkiaSharp;
using Synthstage.Imaging;
using Synthstage.Tests.Tfjs;

namespace Synthstage.Tests.Cli;

/// <summary><c>synthstage upscale</c> and <c>synthstage models import-tfjs</c> as child processes.</summary>
public sealed class UpscaleCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-up-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WritePng(int width, int height)
    {
        var random = new Random(9);
        var pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        var path = Path.Combine(_dir, "in.png");
        using var bitmap = new RgbImage(width, height, pixels).ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public async Task UpscalesAPngWithAnImportedModel()
    {
        // import-tfjs, then upscale with the .onnx it wrote: the whole path without npm.
        var m = new TfjsTestModel();
        var json = m.Save(m.Conv2D(m.UpSampling2D(m.Conv2D(m.Input(3), 4, 3, activation: "relu"), 3, 3), 3, 3));
        try
        {
            var onnx = Path.Combine(_dir, "x3.onnx");
            var (code, stdout, stderr) = await CliProcess.RunAsync(null, "models", "import-tfjs", json, "-o", onnx);
            Assert.True(code == 0, stderr);
            Assert.Contains("wrote", stdout);
            var output = Path.Combine(_dir, "out.png");
            (code, stdout, stderr) = await CliProcess.RunAsync(null, "upscale", WritePng(20, 12), "-o", output, "--model", onnx, "--threads", "1");
            Assert.True(code == 0, stderr);
            Assert.Contains("60×36", stdout);
            Assert.Equal((60, 36), (RgbImage.Load(output).Width, RgbImage.Load(output).Height));

            // Labelled like every output: content credentials that verify accepts, naming the model.
            var manifest = await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output);
            Assert.Equal("upscale", manifest["command"]!.GetValue<string>());
            Assert.Equal("x3", manifest["models"]![0]!["id"]!.GetValue<string>());
            (code, stdout, stderr) = await CliProcess.RunAsync(null, "verify", output);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("signature: valid", stdout);
        }
        finally { Directory.Delete(Path.GetDirectoryName(json)!, true); }
    }

    [Fact]
    public async Task UnknownModelIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "upscale", WritePng(4, 4), "-o", Path.Combine(_dir, "o.png"), "--model", "esrgan-x5");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: unknown super-resolution model 'esrgan-x5'", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task AFileThatIsNotAnImageIsBadInputNamedAsTheInput()
    {
        var notImage = Path.Combine(_dir, "notes.png");
        await File.WriteAllTextAsync(notImage, "not a picture", TestContext.Current.CancellationToken);
        var (code, _, stderr) = await CliProcess.RunAsync(null, "upscale", notImage, "-o", Path.Combine(_dir, "o.png"), "--model", "esrgan-x2");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith($"error: input '{notImage}' is not an image", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(_dir, "o.png")));
    }

    [Fact]
    public async Task ImportOfAnUnsupportedLayerExits5()
    {
        var m = new TfjsTestModel();
        var json = m.Save(m.Add("Dense", "dense_1", new System.Text.Json.Nodes.JsonObject { ["units"] = 4 }, [m.Input(3)]));
        try
        {
            var (code, _, stderr) = await CliProcess.RunAsync(null, "models", "import-tfjs", json, "-o", Path.Combine(_dir, "m.onnx"));
            Assert.Equal(ExitCodes.BadModel, code);
            Assert.Contains("Dense 'dense_1' (layer 1) is not supported", stderr);
            Assert.False(File.Exists(Path.Combine(_dir, "m.onnx")));
        }
        finally { Directory.Delete(Path.GetDirectoryName(json)!, true); }
    }
}
