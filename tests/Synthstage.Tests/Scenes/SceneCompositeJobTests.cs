using SkiaSharp;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Scenes;
using Synthstage.Tests.Forge;
using Synthstage.Tests.Video;
using Synthstage.Video;

namespace Synthstage.Tests.Scenes;

/// <summary>Prompt-mode composites with a tiny forged Stable Diffusion model, real segmentation and real ffmpeg.</summary>
public sealed class SceneCompositeJobTests(ForgedFolders forged) : IClassFixture<ForgedFolders>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-scene-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SceneOptions Scene(PlateMotion? motion = null) => new()
    {
        Prompt = "a beach at dusk, golden light",
        NegativePrompt = "blurry",
        Seed = 7,
        Steps = 3,
        GuidanceScale = 7.5f,
        Model = forged.Get("tiny"),
        Motion = motion ?? PlateMotion.Still,
        CacheFolder = Path.Combine(_dir, "scene-cache"),
    };

    // Provenance off: these tests compare pixels with the source and the plate, which the watermark would change.
    private static async Task<KeyingOptions> KeyingAsync() => new()
    {
        Store = await TestModels.RequireSelfieStoreAsync(), Encoder = Synthstage.Media.EncoderSettings.Default with { Preset = "ultrafast" }, Provenance = Synthstage.Provenance.ProvenanceOptions.None,
    };

    /// <summary>The first <paramref name="frames"/> frames of coffee.mp4 (stream copy, audio kept).</summary>
    private async Task<string> CoffeeExcerptAsync(int frames)
    {
        var excerpt = Path.Combine(_dir, $"coffee{frames}.mp4");
        if (!File.Exists(excerpt))
            await KeyingJobTests.RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "copy", excerpt);
        return excerpt;
    }

    [Fact]
    public async Task CoffeeKeepsFrameCountRateAndAudioAndTheSceneIsGeneratedOnce()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var keying = await KeyingAsync();
        var output = Path.Combine(_dir, "coffee-scene.mp4");
        var result = await SceneCompositeJob.RunAsync(coffee, new RenderOutput.Resumable(output), Scene(), keying, ct: Ct);

        Assert.False(result.Plate.FromCache);
        Assert.True(result.Plate.GenerationTime > TimeSpan.Zero);
        // Tiny model: 256² native pixels at 16:9, sides multiples of 16 (two UNet levels × VAE scale 8).
        Assert.Equal((336, 192), (result.Plate.Image.Width, result.Plate.Image.Height));
        Assert.Null(result.Plate.SizeNote);
        Assert.Equal(287, result.Render.FramesWritten);
        Assert.Equal(0, result.Render.EmptyMatteFrames);
        var source = await MediaProbe.ProbeAsync(coffee, Ct);
        var written = await MediaProbe.ProbeAsync(output, Ct);
        Assert.Equal(287, written.FrameCount);
        Assert.Equal(source.FrameRate, written.FrameRate, 3);
        Assert.Equal((1280, 720), (written.Width, written.Height));
        Assert.Equal("aac", Assert.Single(written.AudioStreams).Codec);
        Assert.Equal(await KeyingJobTests.AudioMd5Async(coffee), await KeyingJobTests.AudioMd5Async(output));

        // The same request again (here as a preview) reuses the cached plate: nothing is generated twice.
        var again = await SceneCompositeJob.PreviewAsync(coffee, Path.Combine(_dir, "again.png"), Scene(), keying, ct: Ct);
        Assert.True(again.Plate.FromCache);
        Assert.Equal(TimeSpan.Zero, again.Plate.GenerationTime);
        Assert.Equal(result.Plate.CachePath, again.Plate.CachePath);
        Assert.Equal(result.Plate.Image.Pixels, again.Plate.Image.Pixels);
        Assert.Single(Directory.GetFiles(Path.Combine(_dir, "scene-cache")));
        // A different seed is a different plate.
        var other = await SceneCompositeJob.PreviewAsync(coffee, Path.Combine(_dir, "other.png"), Scene() with { Seed = 8 }, keying, ct: Ct);
        Assert.False(other.Plate.FromCache);
        Assert.NotEqual(result.Plate.Image.Pixels, other.Plate.Image.Pixels);
    }

    [Fact]
    public async Task WithTheLookOffOpaqueSubjectPixelsAreTheSourceAndTheStillBackgroundNeverChanges()
    {
        SharedData.RequireFfmpeg();
        var excerpt = await CoffeeExcerptAsync(12);
        var keying = await KeyingAsync() with { KeepAudio = false };
        var frames = Path.Combine(_dir, "frames");
        var result = await SceneCompositeJob.RunAsync(excerpt, new RenderOutput.Plain(frames), Scene(), keying, ct: Ct);
        Assert.Equal(12, result.Render.FramesWritten);
        var masks = Path.Combine(_dir, "masks");
        await MatteJob.RunAsync(excerpt, masks, MatteOutputKind.Mask, keying, ct: Ct);

        using var plateSource = PlateBackground.Create(result.Enlarged.Image, PlateMotion.Still, 1280, 720, 12);
        var plate = new byte[1280 * 720 * 3];
        plateSource.Render(0, [], plate);
        var info = await MediaProbe.ProbeAsync(excerpt, Ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var source = new byte[reader.FrameSizeBytes];
        long opaque = 0, clear = 0;
        for (var i = 1; i <= 12; i++)
        {
            Assert.True(await reader.ReadFrameAsync(source, Ct));
            var output = Rgb(Path.Combine(frames, $"frame_{i:D6}.png"));
            var mask = Rgb(Path.Combine(masks, $"frame_{i:D6}.png"));
            for (var p = 0; p < 1280 * 720; p++)
            {
                var m = mask[p * 3];
                if (m == 255)
                {
                    opaque++;
                    Assert.True(source.AsSpan(p * 3, 3).SequenceEqual(output.AsSpan(p * 3, 3)), $"frame {i} pixel {p}: matte 1 but not the source");
                }
                else if (m == 0)
                {
                    clear++;
                    Assert.True(plate.AsSpan(p * 3, 3).SequenceEqual(output.AsSpan(p * 3, 3)), $"frame {i} pixel {p}: matte 0 but not the (unchanging) plate");
                }
            }
        }
        // Both checks covered a real share of the 12 frames (the hand and mug are small in the first frames).
        Assert.True(opaque > 100_000, $"only {opaque} opaque pixels in 12 frames");
        Assert.True(clear > 2_000_000, $"only {clear} background pixels in 12 frames");
    }

    [Fact]
    public async Task PreviewIsThatFrameOfTheFullRenderAndPanMovesTheBackground()
    {
        SharedData.RequireFfmpeg();
        var excerpt = await CoffeeExcerptAsync(12);
        var keying = await KeyingAsync() with { KeepAudio = false };
        var scene = Scene(new PlateMotion(BackgroundMotion.Pan));
        var frames = Path.Combine(_dir, "pan");
        await SceneCompositeJob.RunAsync(excerpt, new RenderOutput.Plain(frames), scene, keying, ct: Ct);
        var preview = Path.Combine(_dir, "preview.png");
        var result = await SceneCompositeJob.PreviewAsync(excerpt, preview, scene, keying, frameIndex: 4, ct: Ct);
        Assert.Equal(1, result.Render.FramesWritten);
        Assert.Equal(Rgb(Path.Combine(frames, "frame_000005.png")), Rgb(preview));
        var text = Synthstage.Imaging.PngTextChunks.Read(File.ReadAllBytes(preview));
        Assert.Contains(new KeyValuePair<string, string>("prompt", scene.Prompt), text);
        Assert.Contains(new KeyValuePair<string, string>("frame", "4"), text);
        // The pan plate is wider than the footage's aspect; the top-left corner (background there) moves across the clip.
        Assert.True(result.Plate.Image.Width / (double)result.Plate.Image.Height > 2.0);
        var first = Rgb(Path.Combine(frames, "frame_000001.png"));
        var last = Rgb(Path.Combine(frames, "frame_000012.png"));
        Assert.False(first.AsSpan(0, 30 * 1280 * 3).SequenceEqual(last.AsSpan(0, 30 * 1280 * 3)));

        var middle = Path.Combine(_dir, "middle.png");
        await SceneCompositeJob.PreviewAsync(excerpt, middle, scene, keying, ct: Ct);
        Assert.Contains(new KeyValuePair<string, string>("frame", "5"), Synthstage.Imaging.PngTextChunks.Read(File.ReadAllBytes(middle)));
        var e = await Assert.ThrowsAsync<SynthstageException>(() => SceneCompositeJob.PreviewAsync(excerpt, Path.Combine(_dir, "late.png"), scene, keying, frameIndex: 40, ct: Ct));
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public async Task FootageWithNoPersonRendersAndWarnsWithTheShareOfEmptyFrames()
    {
        SharedData.RequireFfmpeg();
        var empty = Path.Combine(_dir, "wall.mp4");
        await KeyingJobTests.RunFfmpegAsync("-f", "lavfi", "-i", "color=c=0x5a6e82:size=320x240:rate=10:duration=1", "-c:v", "libx264", empty);
        var output = Path.Combine(_dir, "wall-out.mp4");
        var result = await SceneCompositeJob.RunAsync(empty, new RenderOutput.Resumable(output), Scene(), await KeyingAsync(), new CompositeLook { Harmonize = 0.5f, LightWrap = 0.5f }, ct: Ct);
        Assert.Equal(10, result.Render.FramesWritten);
        Assert.Equal(10, result.Render.EmptyMatteFrames);
        Assert.Contains("no person found in 100% of the frames (10 of 10)", result.Render.Warning);
        Assert.Equal(10, (await MediaProbe.ProbeAsync(output, Ct)).FrameCount);
    }

    [Fact]
    public async Task WithoutADiffusionModelTheMessageSaysWhatToInstallAndThatImagesWorkOffline()
    {
        var store = new ModelStore(Path.Combine(_dir, "empty-store"));
        try
        {
            await SceneGenerator.ResolveModelAsync(null, store, null, Ct);
            Assert.Skip($"{SceneOptions.DefaultModel} is installed on this machine");
        }
        catch (SynthstageException e)
        {
            Assert.Equal(ExitCodes.BadModel, e.ExitCode);
            Assert.Contains("synthstage models pull sd15-onnx", e.Message);
            Assert.Contains("--background IMAGE works offline", e.Message);
        }
    }

    [Fact]
    public async Task CliRefusesBothBackgroundsAndExplainsAMissingModel()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "composite", coffee, "--background", "#102030", "--prompt", "x", "-o", Path.Combine(_dir, "o.mp4"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("exactly one", stderr);

        var env = new Dictionary<string, string>
        {
            ["SYNTHSTAGE_HOME"] = Path.Combine(_dir, "home"),
            ["HF_HUB_CACHE"] = Path.Combine(_dir, "hf"),
            ["HF_HUB_OFFLINE"] = "1",
        };
        (code, _, stderr) = await CliProcess.RunAsync(env, "composite", coffee, "--prompt", "a beach", "-o", Path.Combine(_dir, "o.mp4"));
        Assert.Equal(ExitCodes.BadModel, code);
        Assert.StartsWith("error: --prompt needs a Stable Diffusion model", stderr);
        Assert.Contains("synthstage models pull sd15-onnx", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(_dir, "o.mp4")));
    }

    private static byte[] Rgb(string png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException($"cannot decode {png}");
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        var i = 0;
        foreach (var c in bitmap.Pixels)
        {
            rgb[i++] = c.Red;
            rgb[i++] = c.Green;
            rgb[i++] = c.Blue;
        }
        return rgb;
    }
}
