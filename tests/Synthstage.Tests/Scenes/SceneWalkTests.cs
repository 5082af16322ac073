using Synthstage.Imaging;
using SkiaSharp;
using Synthstage.Compositing;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Media;
using Synthstage.Scenes;
using Synthstage.Tests.Forge;
using Synthstage.Tests.Video;
using Synthstage.Video;

namespace Synthstage.Tests.Scenes;

/// <summary><c>composite --prompt A --prompt B --background-motion walk</c>: a cached walk behind the subject, crossfaded.</summary>
public sealed class SceneWalkTests(ForgedFolders forged) : IClassFixture<ForgedFolders>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-scenewalk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1, 8, 1)]
    [InlineData(8, 8, 2)]
    [InlineData(9, 8, 2)]
    [InlineData(10, 8, 3)]
    [InlineData(20, 8, 4)]
    public void GeneratedFramesCoverTheClip(int clipFrames, int every, int expected) =>
        Assert.Equal(expected, SceneWalkFrames.CountFor(clipFrames, every));

    [Fact]
    public void FramesBetweenGeneratedOnesAreCrossfadesOfTheNeighboursCoveringTheFrame()
    {
        // Two 8×4 generated frames (flat grey 40 and 200), shown in a 16×8 output, one every 4 output frames.
        for (var i = 0; i < 2; i++)
        {
            using var bitmap = new SKBitmap(new SKImageInfo(8, 4, SKColorType.Rgba8888, SKAlphaType.Opaque));
            bitmap.Erase(new SKColor((byte)(40 + 160 * i), (byte)(40 + 160 * i), (byte)(40 + 160 * i)));
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(WalkBackground.FramePath(_dir, i), data.ToArray());
        }
        using var background = new WalkBackground(_dir, 2, 4, 16, 8);
        var output = new byte[16 * 8 * 3];
        byte[] Value(int frame)
        {
            background.Render(frame, default, output);
            return output.Distinct().ToArray();
        }
        Assert.Equal([40], Value(0));
        Assert.Equal([80], Value(1));   // 40 + 160·1/4
        Assert.Equal([120], Value(2));  // halfway
        Assert.Equal([200], Value(4));
        Assert.Equal([200], Value(9));  // past the last generated frame it holds
        Assert.Equal([40], Value(0));   // and going back reloads
        Assert.False(background.IsStatic);
    }

    [Fact]
    public void AWalkBackgroundWithAnUpscalerEnlargesEachGeneratedFrameBeforeTheCover()
    {
        // An 8×4 frame with detail, shown in a 16×8 output: Lanczos ×2 first, then the cover of that at the output size.
        var pixels = new byte[8 * 4 * 3];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 % 251);
        using (var bitmap = new RgbImage(8, 4, pixels).ToBitmap())
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100))
            File.WriteAllBytes(WalkBackground.FramePath(_dir, 0), data.ToArray());
        var twice = new byte[16 * 8 * 3];
        using (var lanczos = new Synthstage.Walks.Upscaling.LanczosUpscaler(2)) lanczos.Upscale(pixels, 8, 4, twice);
        using var twiceBitmap = new RgbImage(16, 8, twice).ToBitmap();
        var expected = ImageBackground.CoverToRgb24(twiceBitmap, 16, 8);

        using var enlarged = new WalkBackground(_dir, 1, 4, 16, 8, new Synthstage.Walks.Upscaling.LanczosUpscaler(2));
        var output = new byte[expected.Length];
        enlarged.Render(0, default, output);
        Assert.Equal(expected, output);

        // Without it the cover's own filter enlarges the frame, which differs.
        using var covered = new WalkBackground(_dir, 1, 4, 16, 8);
        covered.Render(0, default, output);
        Assert.NotEqual(expected, output);
    }

    [Fact]
    public async Task AWalkingSceneIsGeneratedOnceSpreadOverTheClipAndKeepsFrameCountAndAudio()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var excerpt = Path.Combine(_dir, "coffee20.mp4");
        await KeyingJobTests.RunFfmpegAsync("-i", coffee, "-frames:v", "20", "-c", "copy", excerpt);
        var keying = new KeyingOptions { Store = await TestModels.RequireSelfieStoreAsync(), Encoder = Synthstage.Media.EncoderSettings.Default with { Preset = "ultrafast" }, Provenance = Synthstage.Provenance.ProvenanceOptions.None };
        var scene = new SceneOptions
        {
            Prompt = "", WalkPrompts = ["a beach at dusk", "a snowy forest", "a city at night"], Seed = 5, Steps = 2,
            Model = forged.Get("tiny"), CacheFolder = Path.Combine(_dir, "cache"), WalkEvery = 4,
        };
        var output = Path.Combine(_dir, "walk.mp4");
        var result = await SceneCompositeJob.RunWalkAsync(excerpt, new RenderOutput.Resumable(output), scene, keying, ct: Ct);

        // 20 frames, one generated every 4: frames 0, 4, …, 20 → 6 generated (the tiny model: 336×192 at 16:9).
        Assert.Equal((6, 6, 336, 192), (result.Walk.Count, result.Walk.FramesGenerated, result.Walk.Width, result.Walk.Height));
        Assert.Equal(6, Directory.GetFiles(result.Walk.Folder, "frame_*.png").Length);
        Assert.Equal(20, result.Render.FramesWritten);
        var written = await MediaProbe.ProbeAsync(output, Ct);
        Assert.Equal(20, written.FrameCount);
        Assert.Equal((1280, 720), (written.Width, written.Height));
        Assert.Equal(await KeyingJobTests.AudioMd5Async(excerpt), await KeyingJobTests.AudioMd5Async(output));
        // Prompt keyframes sit evenly: segments of 2 and 3 frames, so the middle prompt is generated frame 3 (seed 6) = generate's image.
        using (var pipeline = new StableDiffusionPipeline(Synthstage.Diffusion.Models.StableDiffusionModel.Load(forged.Get("tiny"), new(Synthstage.Onnx.ExecutionDevice.Cpu, 1))))
        {
            var middle = pipeline.Generate(new StableDiffusionOptions { Prompt = "a snowy forest", Seed = 6, Steps = 2, Width = 336, Height = 192 }, null, Ct).Single();
            Assert.Equal(middle.Image.Pixels, RgbImage.Load(WalkBackground.FramePath(result.Walk.Folder, 2)).Pixels);
        }

        // The same request again generates nothing.
        var again = await SceneCompositeJob.RunWalkAsync(excerpt, new RenderOutput.Resumable(Path.Combine(_dir, "again.mp4")), scene, keying, ct: Ct);
        Assert.Equal(0, again.Walk.FramesGenerated);
        Assert.Equal(result.Walk.Folder, again.Walk.Folder);
    }

    [Fact]
    public async Task TheCliNeedsTwoPromptsForAWalkAndAWalkForTwoPrompts()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "composite", coffee, "--prompt", "a beach", "--background-motion", "walk", "-o", Path.Combine(_dir, "o.mp4"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: --background-motion walk needs two or more --prompt values (got 1)", stderr.Trim());
        (code, _, stderr) = await CliProcess.RunAsync(null, "composite", coffee, "--prompt", "a beach", "--prompt", "a forest", "-o", Path.Combine(_dir, "o.mp4"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: several --prompt values make a walking background: add --background-motion walk", stderr.Trim());
    }
}
