using System.Text.Json;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Scenes;
using Synthstage.Tests.Forge;
using Synthstage.Tests.Upscaling;
using Synthstage.Tests.Video;
using Synthstage.Upscaling;
using Synthstage.Video.Resume;

namespace Synthstage.Tests.Scenes;

/// <summary>
/// The scene plate super-resolved by the real ESRGAN Slim ×2 (installed through npm; skips offline) before the cover
/// resampling, and the choice reaching the resume key, the enlarged-plate cache and the manifest.
/// </summary>
public sealed class PlateUpscaleTests(ForgedFolders forged) : IClassFixture<ForgedFolders>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-plateup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A real 704×384 picture (SD 1.5's 16:9 size), as a generated plate whose cache lives in <paramref name="cacheFolder"/>.</summary>
    private async Task<ScenePlate> PlateAsync(string cacheFolder)
    {
        SharedData.RequireFfmpeg();
        var png = Path.Combine(_dir, "plate.png");
        if (!File.Exists(png))
            await KeyingJobTests.RunFfmpegAsync("-ss", "2", "-i", SharedData.Require("footage/coffee.mp4"), "-vf", "scale=704:384:flags=bicubic", "-frames:v", "1", png);
        Directory.CreateDirectory(cacheFolder);
        return new ScenePlate(RgbImage.Load(png), [], 704, 384, false, TimeSpan.Zero, Path.Combine(cacheFolder, new string('a', 64) + ".png"), null);
    }

    private static byte[] Frame(RgbImage image, int width, int height)
    {
        using var background = PlateBackground.Create(image, PlateMotion.Still, width, height, 1);
        var frame = new byte[width * height * 3];
        background.Render(0, [], frame);
        return frame;
    }

    [Fact]
    public async Task AutoUsesTheInstalledModelExactlySizedDeterministicAndUnlikeCubic()
    {
        var modelPath = await EsrganTestModels.RequireAsync("esrgan-x2");
        var store = new ModelStore(TestModels.CacheRoot);
        var plate = await PlateAsync(Path.Combine(_dir, "cache"));

        // 704×384 covering 1280×720 needs ×1.875: the smallest ESRGAN factor reaching it is ×2.
        var enlarged = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Auto, PlateMotion.Still, 1280, 720, store, null, Ct);
        Assert.Equal(("esrgan-x2", true, false), (enlarged.Upscaler.Name, enlarged.Upscaler.Automatic, enlarged.FromCache));
        Assert.Equal((1408, 768), (enlarged.Image.Width, enlarged.Image.Height));
        using (var direct = SuperResolutionUpscaler.Create(modelPath))
            Assert.Equal(direct.Upscale(plate.Image, Ct).Pixels, enlarged.Image.Pixels);

        var frame = Frame(enlarged.Image, 1280, 720);
        var cubic = Frame(plate.Image, 1280, 720);
        Assert.Equal(1280 * 720 * 3, frame.Length);
        // The model's pixels, not a filter's: a real share of the frame differs from the cubic cover.
        var differing = frame.Zip(cubic).Count(p => Math.Abs(p.First - p.Second) > 2);
        Assert.True(differing > frame.Length / 100, $"only {differing} of {frame.Length} values differ from the cubic plate by more than 2");

        // Again: from the cache, the same pixels; and computed afresh elsewhere, the same pixels too.
        var cached = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Auto, PlateMotion.Still, 1280, 720, store, null, Ct);
        Assert.True(cached.FromCache);
        Assert.Equal(enlarged.Image.Pixels, cached.Image.Pixels);
        var fresh = await PlateEnlargement.CreateAsync(await PlateAsync(Path.Combine(_dir, "other-cache")), UpscalerChoice.Auto, PlateMotion.Still, 1280, 720, store, null, Ct);
        Assert.False(fresh.FromCache);
        Assert.Equal(frame, Frame(fresh.Image, 1280, 720));
    }

    [Fact]
    public async Task WithoutInstalledModelsAutoIsCubicAndNothingIsFetched()
    {
        var empty = new ModelStore(Path.Combine(_dir, "empty-store"));
        var plate = await PlateAsync(Path.Combine(_dir, "cache"));
        var enlarged = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Auto, PlateMotion.Still, 1280, 720, empty, null, Ct);
        Assert.Equal(("cubic", 1), (enlarged.Upscaler.Name, enlarged.Upscaler.Factor));
        Assert.Same(plate.Image, enlarged.Image);
        Assert.False(Directory.Exists(empty.Root));
        // Lanczos by the smallest integer factor reaching the cover; a plate larger than the frame is never enlarged.
        var lanczos = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Lanczos, PlateMotion.Still, 2560, 1440, empty, null, Ct);
        Assert.Equal(("lanczos-x4", 2816, 1536), (lanczos.Upscaler.Name, lanczos.Image.Width, lanczos.Image.Height));
        Assert.Equal("cubic", (await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Auto, PlateMotion.Still, 640, 360, empty, null, Ct)).Upscaler.Name);
    }

    [Fact]
    public async Task TheResumeKeyAndTheCacheKeyChangeWithTheMethodUsed()
    {
        var modelPath = await EsrganTestModels.RequireAsync("esrgan-x2");
        var store = new ModelStore(TestModels.CacheRoot);
        var plate = await PlateAsync(Path.Combine(_dir, "cache"));
        var input = plate.CachePath.Replace(".png", ".mp4", StringComparison.Ordinal);
        File.WriteAllText(input, "footage stand-in: the key records its identity only");

        string Key(PlateEnlargement e) => ResumeKey.Build("composite", input, SettingsWriter.Collect(e)).ToJsonString();
        var esrgan = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Parse("esrgan-x2"), PlateMotion.Still, 1280, 720, store, null, Ct);
        var auto = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Auto, PlateMotion.Still, 1280, 720, store, null, Ct);
        var cubic = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Cubic, PlateMotion.Still, 1280, 720, store, null, Ct);
        var lanczos = await PlateEnlargement.CreateAsync(plate, UpscalerChoice.Lanczos, PlateMotion.Still, 1280, 720, store, null, Ct);
        // The method used is the key, not the word typed: auto resolving to esrgan-x2 renders as esrgan-x2 does.
        Assert.Equal(Key(esrgan), Key(auto));
        Assert.Equal(3, new[] { Key(esrgan), Key(cubic), Key(lanczos) }.Distinct().Count());
        Assert.Contains(modelPath, Key(esrgan), StringComparison.Ordinal);
        Assert.Contains(new Setting(PlateEnlargement.SettingName, "esrgan-x2", Path.GetFullPath(modelPath)), SettingsWriter.Collect(esrgan));

        var key = new string('a', 64);
        var keys = new[] { esrgan.Upscaler, lanczos.Upscaler, new ResolvedUpscaler(UpscalerKind.Lanczos, 4) }.Select(u => ScenePlateCache.EnlargedKey(key, u)).ToArray();
        Assert.Equal(3, keys.Distinct().Count());
        Assert.Equal(keys[0], ScenePlateCache.EnlargedKey(key, esrgan.Upscaler));
        Assert.NotEqual(keys[0], ScenePlateCache.EnlargedKey(new string('b', 64), esrgan.Upscaler));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "cache", "enlarged")).Length); // esrgan-x2 (shared with auto) and lanczos-x2
    }

    [Fact]
    public async Task CliCompositeRecordsTheModelWithItsLicenceAndRefusesAnUnknownChoice()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        await EsrganTestModels.RequireAsync("esrgan-x2");
        var still = Path.Combine(_dir, "still.png");
        await KeyingJobTests.RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", "1", still);
        string[] Args(string choice, string output) =>
            ["composite", still, "--prompt", "a beach at dusk", "--seed", "3", "--steps", "2", "--scene-model", forged.Get("tiny"), "--plate-upscale", choice, "-o", output];

        var output = Path.Combine(_dir, "out.png");
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, Args("esrgan-x2", output));
        Assert.True(code == 0, stderr);
        Assert.Contains("plate: esrgan-x2 to ", stdout);
        using (var manifest = JsonDocument.Parse((await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output)).ToJsonString()))
        {
            var models = manifest.RootElement.GetProperty("models").EnumerateArray()
                .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("id").GetString(), m.GetProperty("licence").GetString())).ToArray();
            Assert.Contains(("scene super-resolution", "esrgan-slim", "MIT"), models);
            Assert.Equal("esrgan-x2", manifest.RootElement.GetProperty("parameters").GetProperty(PlateEnlargement.SettingName).GetString());
        }

        var plain = Path.Combine(_dir, "cubic.png");
        var cubic = await CliProcess.RunAsync(null, Args("cubic", plain));
        Assert.True(cubic.Code == 0, cubic.Stderr);
        using (var manifest = JsonDocument.Parse((await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(plain)).ToJsonString()))
        {
            Assert.DoesNotContain(manifest.RootElement.GetProperty("models").EnumerateArray(), m => m.GetProperty("id").GetString() == "esrgan-slim");
            Assert.Equal("cubic", manifest.RootElement.GetProperty("parameters").GetProperty(PlateEnlargement.SettingName).GetString());
        }

        var bad = await CliProcess.RunAsync(null, Args("esrgan-x5", Path.Combine(_dir, "bad.png")));
        Assert.Equal(ExitCodes.Usage, bad.Code);
        var line = Assert.Single(bad.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unknown --plate-upscale 'esrgan-x5'; use auto, cubic, lanczos, esrgan-x2", line);
        Assert.False(File.Exists(Path.Combine(_dir, "bad.png")));
    }
}
