using Synthstage.Imaging;
using Synthstage.Tests.Tfjs;
using Synthstage.Upscaling;
using Tensor = Synthstage.Tests.Tfjs.TfjsReferenceForward.Tensor;

namespace Synthstage.Tests.Upscaling;

/// <summary>The real UpscalerJS ESRGAN Slim ×2, installed through npm and our importer (skipped without npm).</summary>
public class EsrganModelTests
{
    [Fact]
    public async Task ImportedModelMatchesTheDirectLoopForwardPass()
    {
        var onnx = await EsrganTestModels.RequireAsync("esrgan-x2");
        var json = await EsrganTestModels.RequirePackageModelJsonAsync(EsrganModel.Parse("esrgan-x2"));
        try
        {
            // A smooth gradient with texture, as pixels in 0..1.
            const int h = 14, w = 18;
            var random = new Random(4);
            var input = new Tensor(h, w, 3, Enumerable.Range(0, h * w * 3)
                .Select(i => (float)Math.Clamp(0.2 + 0.5 * (i / 3 % w) / w + 0.2 * random.NextDouble(), 0, 1)).ToArray());
            var actual = TfjsOnnxRun.Run(File.ReadAllBytes(onnx), input);
            // The package's model works on 0..255 pixels; the installed one on 0..1.
            var reference = TfjsReferenceForward.Run(json, input with { Data = input.Data.Select(v => v * 255f).ToArray() });
            var expected = reference with { Data = reference.Data.Select(v => v / 255f).ToArray() };
            TfjsOnnxRun.AssertClose(expected, actual, 1e-4f);
            Assert.All(actual.Data, v => Assert.InRange(v, -0.1f, 1.1f));
        }
        finally { Directory.Delete(Path.GetDirectoryName(json)!, true); }
    }

    [Fact]
    public async Task BeatsBilinearOnARealFrameAndTilesShowNoSeams()
    {
        SharedData.RequireFfmpeg();
        var video = SharedData.Require("footage/coffee.mp4");
        var onnx = await EsrganTestModels.RequireAsync("esrgan-x2");
        // A 256×144 crop of a real frame, and the same crop shrunk ×2 with a bicubic filter.
        const string crop = "crop=512:288:384:216,scale=256:144:flags=area";
        var original = await ImageQuality.FrameAsync(video, 3, crop);
        var small = await ImageQuality.FrameAsync(video, 3, crop + ",scale=128:72:flags=bicubic");

        using var upscaler = SuperResolutionUpscaler.Create(onnx, new SuperResolutionOptions { TileSize = 48, IntraOpThreads = 1 });
        var model = upscaler.Upscale(new RgbImage(128, 72, small), TestContext.Current.CancellationToken);
        var bilinear = new RgbImage(128, 72, small).Resize(256, 144);
        var modelPsnr = ImageQuality.Psnr(model.Pixels, original);
        var bilinearPsnr = ImageQuality.Psnr(bilinear.Pixels, original);
        Assert.True(modelPsnr > bilinearPsnr + 0.5, $"ESRGAN ×2 {modelPsnr:F2} dB vs bilinear {bilinearPsnr:F2} dB");

        using var whole = SuperResolutionUpscaler.Create(onnx, new SuperResolutionOptions { TileSize = 256, IntraOpThreads = 1 });
        var source = small.Select(b => b / 255f).ToArray();
        var expected = new float[256 * 144 * 3];
        var tiled = new float[expected.Length];
        whole.Upscale(source, 128, 72, expected, TestContext.Current.CancellationToken);
        upscaler.Upscale(source, 128, 72, tiled, TestContext.Current.CancellationToken);
        var worst = expected.Zip(tiled, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-3f, $"tiled vs whole max |diff| {worst}");
    }
}
