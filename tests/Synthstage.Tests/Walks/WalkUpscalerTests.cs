using System.Text.Json;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Provenance;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Tests.Upscaling;
using Synthstage.Upscaling;
using Synthstage.Walks;
using Synthstage.Walks.Upscaling;

namespace Synthstage.Tests.Walks;

/// <summary><c>walk --upscale</c> with the real ESRGAN Slim ×2 (installed through npm; skips offline) as the default, Lanczos as the fallback.</summary>
public sealed class WalkUpscalerTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WalkOptions Walk(string dir, string name, int upscale, UpscalerChoice upscaler, ModelStore store, ProvenanceOptions? provenance = null) => new()
    {
        Keyframes = [new("a", 1), new("b", 2)],
        FramesPerSegment = 2, Width = 32, Height = 24, Steps = 2, Upscale = upscale, Upscaler = upscaler, Store = store,
        OutputPath = Path.Combine(dir, name + ".mp4"), FramesFolder = Path.Combine(dir, name),
        Provenance = provenance ?? ProvenanceOptions.None,
    };

    private static RgbImage Frame(string dir, string name, int index) => RgbImage.Load(Path.Combine(dir, name, $"frame_{index:D6}.png"));

    private static byte[] Upscaled(IFrameUpscaler upscaler, RgbImage image)
    {
        var pixels = new byte[image.Width * upscaler.Factor * image.Height * upscaler.Factor * 3];
        upscaler.Upscale(image.Pixels, image.Width, image.Height, pixels);
        return pixels;
    }

    [Fact]
    public async Task TheInstalledEsrganIsTheDefaultAndLanczosTheFallbackOrTheExplicitChoice()
    {
        SharedData.RequireFfmpeg();
        var modelPath = await EsrganTestModels.RequireAsync("esrgan-x2");
        var store = new ModelStore(TestModels.CacheRoot);
        var dir = models.NewTempFolder();
        var model = models.Folder("fp32");
        await WalkJob.RunAsync(model, TinyDiffusionModels.Spec, Walk(dir, "plain", 1, UpscalerChoice.Auto, store), ct: Ct);
        await WalkJob.RunAsync(model, TinyDiffusionModels.Spec, Walk(dir, "auto", 2, UpscalerChoice.Auto, store), ct: Ct);
        await WalkJob.RunAsync(model, TinyDiffusionModels.Spec, Walk(dir, "lanczos", 2, UpscalerChoice.Lanczos, store), ct: Ct);
        await WalkJob.RunAsync(model, TinyDiffusionModels.Spec, Walk(dir, "offline", 2, UpscalerChoice.Auto, new ModelStore(Path.Combine(dir, "empty"))), ct: Ct);

        using var esrgan = SuperResolutionUpscaler.Create(modelPath);
        using var lanczos = new LanczosUpscaler(2);
        for (var i = 1; i <= 3; i++)
        {
            var plain = Frame(dir, "plain", i);
            var auto = Frame(dir, "auto", i);
            Assert.Equal((64, 48), (auto.Width, auto.Height));
            Assert.Equal(Upscaled(esrgan, plain), auto.Pixels);
            Assert.Equal(Upscaled(lanczos, plain), Frame(dir, "lanczos", i).Pixels);
            Assert.Equal(Upscaled(lanczos, plain), Frame(dir, "offline", i).Pixels);
            Assert.NotEqual(auto.Pixels, Frame(dir, "lanczos", i).Pixels);
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "empty")));
    }

    [Fact]
    public async Task TheManifestNamesTheModelAndItsLicence()
    {
        SharedData.RequireFfmpeg();
        await EsrganTestModels.RequireAsync("esrgan-x2");
        var dir = models.NewTempFolder();
        var options = Walk(dir, "signed", 2, UpscalerChoice.Auto, new ModelStore(TestModels.CacheRoot), new ProvenanceOptions());
        var result = await WalkJob.RunAsync(models.Folder("fp32"), TinyDiffusionModels.Spec, options, ct: Ct);
        using var manifest = JsonDocument.Parse((await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(result.OutputPath)).ToJsonString());
        var listed = manifest.RootElement.GetProperty("models").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("id").GetString(), m.GetProperty("licence").GetString())).ToArray();
        Assert.Contains(("frame super-resolution", "esrgan-slim", "MIT"), listed);
        Assert.Equal("esrgan-x2", manifest.RootElement.GetProperty("parameters").GetProperty("upscaler").GetString());
    }

    [Theory]
    [InlineData(5, "slim", "the ESRGAN models enlarge ×2, ×3, ×4 or ×8, not ×5; use lanczos for ×5")]
    [InlineData(1, "medium", "an ESRGAN model needs an upscale of 2, 3, 4 or 8")]
    [InlineData(2, "cubic", "not cubic")]
    public void AFactorTheChoiceCannotMakeIsAUsageError(int upscale, string choice, string message)
    {
        var upscaler = choice == "cubic" ? UpscalerChoice.Cubic : UpscalerChoice.Of(new EsrganModel(choice, upscale));
        var e = Assert.Throws<SynthstageException>(() => WalkPlan.Validate(Walk(Path.GetTempPath(), "x", upscale, upscaler, ModelStore.Default)));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task TheCliRefusesAnUnknownUpscalerInOneLine()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "walk", "--model", "x", "--prompt", "a", "--prompt", "b", "--upscale", "2", "--upscaler", "bicubic", "-o", "w.mp4");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("unknown --upscaler 'bicubic'; use auto, lanczos, esrgan or medium", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Replace("error: ", "", StringComparison.Ordinal));
    }
}
