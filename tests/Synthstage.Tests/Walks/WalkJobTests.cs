using Synthstage.Imaging;
using System.Globalization;
using Synthstage.Diffusion;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Walks;

namespace Synthstage.Tests.Walks;

/// <summary>Walks on the tiny forged SD 1.5 model: frame counts, keyframes against the real generate command, batching.</summary>
public sealed class WalkJobTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    private static readonly (string Prompt, ulong Seed, string Negative)[] Keyframes =
    [
        ("a photo of a cat", 1, "blurry"),
        ("a red house by the sea", 22, "blurry"),
        ("an astronaut riding a horse on mars", 333, ""),
    ];

    [Theory]
    [InlineData("euler")]
    [InlineData("euler-a")]
    public async Task EveryKeyframeFrameIsWhatGenerateWritesBitForBit(string scheduler)
    {
        SharedData.RequireFfmpeg();
        var model = models.Folder("fp32");
        var dir = models.NewTempFolder();
        string[] common = ["--model", model, "--steps", "4", "--guidance", "7.5", "--scheduler", scheduler, "-W", "64", "-H", "48", "--no-ort-cache", "--no-watermark"];
        var walkArgs = new List<string> { "walk" };
        foreach (var (prompt, seed, negative) in Keyframes) walkArgs.AddRange(["--prompt", prompt, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--negative", negative]);
        walkArgs.AddRange([.. common, "--frames", "3,5", "--frames-dir", Path.Combine(dir, "frames"), "-o", Path.Combine(dir, "walk.mp4")]);
        var walk = await CliProcess.RunAsync(null, [.. walkArgs]);
        Assert.True(walk.Code == 0, walk.Stderr);

        // Documented count: Σ frames per segment + 1 (the last keyframe) = 3 + 5 + 1.
        Assert.Equal(9, Directory.GetFiles(Path.Combine(dir, "frames"), "*.png").Length);
        Assert.Equal(9 * 64 * 48 * 3, (await ResumableVideoOutputTests.DecodeAsync(Path.Combine(dir, "walk.mp4"))).Length);

        int[] keyframeFrames = [1, 4, 9];
        for (var k = 0; k < Keyframes.Length; k++)
        {
            var (prompt, seed, negative) = Keyframes[k];
            var png = Path.Combine(dir, $"generate-{k}.png");
            var generate = await CliProcess.RunAsync(null, ["generate", "--prompt", prompt, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--negative", negative, .. common, "-o", png]);
            Assert.True(generate.Code == 0, generate.Stderr);
            var expected = RgbImage.Load(png).Pixels;
            var frame = RgbImage.Load(Path.Combine(dir, "frames", $"frame_{keyframeFrames[k]:D6}.png")).Pixels;
            Assert.True(expected.AsSpan().SequenceEqual(frame), $"keyframe {k} (frame {keyframeFrames[k]}) differs from generate");
        }
        // In-between frames are new images, not copies of a keyframe.
        var second = RgbImage.Load(Path.Combine(dir, "frames", "frame_000002.png")).Pixels;
        Assert.False(second.AsSpan().SequenceEqual(RgbImage.Load(Path.Combine(dir, "frames", "frame_000001.png")).Pixels));
    }

    [Fact]
    public void ABatchOfTwoGivesTheSameFramesAsTwoBatchesOfOne()
    {
        using var pipeline = new StableDiffusionPipeline(models.Get("fp32"));
        var options = new LatentDenoiseOptions { Width = 64, Height = 48, Steps = 4, GuidanceScale = 7.5f, Scheduler = "euler-a" };
        const int latent = 4 * 6 * 8, pixels = 64 * 48 * 3;
        var a = pipeline.EncodePromptEmbeddings("a photo of a cat", null, TestContext.Current.CancellationToken);
        var b = pipeline.EncodePromptEmbeddings("a red house", null, TestContext.Current.CancellationToken);
        var empty = pipeline.EncodePromptEmbeddings("", null, TestContext.Current.CancellationToken);
        var noise = new float[2 * latent];
        var mixed = new float[latent];
        new TorchGenerator(1).Randn(noise.AsSpan(0, latent));
        new TorchGenerator(2).Randn(mixed);
        LatentInterpolation.Slerp(noise.AsSpan(0, latent), mixed, 0.4f, noise.AsSpan(latent));
        var text = a.Concat(b).ToArray();
        var negative = empty.Concat(empty).ToArray();
        INoiseSource Steps(ulong seed) { var g = new TorchGenerator(seed); g.Randn(new float[latent]); return g; }

        var together = new byte[2 * pixels];
        pipeline.GenerateFromLatents(options, noise, text, negative, [Steps(1), Steps(2)], together, TestContext.Current.CancellationToken);
        var first = new byte[pixels];
        var second = new byte[pixels];
        pipeline.GenerateFromLatents(options, noise.AsSpan(0, latent), a, empty, [Steps(1)], first, TestContext.Current.CancellationToken);
        pipeline.GenerateFromLatents(options, noise.AsSpan(latent), b, empty, [Steps(2)], second, TestContext.Current.CancellationToken);
        Assert.True(together.AsSpan(0, pixels).SequenceEqual(first), "batch slot 0 differs from a batch of one");
        Assert.True(together.AsSpan(pixels).SequenceEqual(second), "batch slot 1 differs from a batch of one");

        // And slot 0 (keyframe noise, generator, embeddings) is Generate's image for seed 1.
        var generated = pipeline.Generate(new StableDiffusionOptions
        {
            Prompt = "a photo of a cat", Seed = 1, Width = 64, Height = 48, Steps = 4, GuidanceScale = 7.5f, Scheduler = "euler-a",
        }, null, TestContext.Current.CancellationToken).Single();
        Assert.True(generated.Image.Pixels.AsSpan().SequenceEqual(first));
    }

    [Fact]
    public async Task ABatchAboveOneOnAStaticBatchUNetIsRefusedBeforeRendering()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var options = new WalkOptions
        {
            Keyframes = [new("a", 1), new("b", 2)],
            FramesPerSegment = 3, Width = 64, Height = 48, Steps = 2, Batch = 2,
            OutputPath = Path.Combine(dir, "w.mp4"),
        };
        var error = await Assert.ThrowsAsync<SynthstageException>(() =>
            WalkJob.RunAsync(models.Folder("static1"), TinyDiffusionModels.Spec, options, ct: TestContext.Current.CancellationToken));
        Assert.Equal(ExitCodes.BadModel, error.ExitCode);
        Assert.Contains("static batch of 1", error.Message);
        Assert.Contains("use a batch of 1", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir));

        var result = await WalkJob.RunAsync(models.Folder("static1"), TinyDiffusionModels.Spec, options with { Batch = 1 }, ct: TestContext.Current.CancellationToken);
        Assert.Equal((4, 4, 0), (result.Frames, result.FramesRendered, result.FramesResumed));
    }

    [Fact]
    public async Task UpscalingEnlargesEveryFrame()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var options = new WalkOptions
        {
            Keyframes = [new("a", 1), new("b", 2)],
            FramesPerSegment = 2, Width = 32, Height = 24, Steps = 2, Upscale = 2,
            OutputPath = Path.Combine(dir, "w.mp4"), FramesFolder = Path.Combine(dir, "frames"),
        };
        await WalkJob.RunAsync(models.Folder("fp32"), TinyDiffusionModels.Spec, options, ct: TestContext.Current.CancellationToken);
        var frame = RgbImage.Load(Path.Combine(dir, "frames", "frame_000003.png"));
        Assert.Equal((64, 48), (frame.Width, frame.Height));
        Assert.Equal(3 * 64 * 48 * 3, (await ResumableVideoOutputTests.DecodeAsync(options.OutputPath)).Length);
    }
}
