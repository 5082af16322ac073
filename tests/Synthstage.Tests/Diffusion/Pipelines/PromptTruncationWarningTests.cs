using Synthstage.Diffusion.Pipelines;
using Synthstage.Tests.Diffusion.Models;

namespace Synthstage.Tests.Diffusion.Pipelines;

/// <summary>A prompt cut at CLIP's 77 tokens is reported with the dropped words: on the result, and by generate and walk on stderr.</summary>
public sealed class PromptTruncationWarningTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    // 80 words of one token each, then two more: 75 fit between the start and end tokens, the rest is dropped.
    private static readonly string LongPrompt = string.Join(' ', Enumerable.Repeat("red", 80)) + " zebra giraffe";
    private const string Dropped = "red red red red red zebra giraffe";

    [Fact]
    public void APastedEssayIsQuotedByItsFirstWordsAndCounted()
    {
        using var pipeline = new StableDiffusionPipeline(models.Get("fp32"));
        // 75 words fit; 200 more of "café 🚀" pairs, non-ASCII included, are dropped.
        var prompt = string.Join(' ', Enumerable.Repeat("red", 75)) + " " + string.Join(' ', Enumerable.Repeat("café 🚀", 100));
        var warning = pipeline.TruncationWarning(prompt, "prompt");
        Assert.NotNull(warning);
        Assert.DoesNotContain('\n', warning);
        var quoted = string.Join(' ', Enumerable.Repeat("café 🚀", 6));
        Assert.Equal($"prompt longer than 77 tokens; dropped \"{quoted} …\" (200 words in all)", warning);
    }

    [Fact]
    public void GenerateNamesTheDroppedWordsOnTheResult()
    {
        using var pipeline = new StableDiffusionPipeline(models.Get("fp32"));
        var image = pipeline.Generate(new StableDiffusionOptions
        {
            Prompt = LongPrompt, NegativePrompt = "blurry", Steps = 1, Width = 64, Height = 48, Seed = 1,
        }, null, TestContext.Current.CancellationToken).Single();
        Assert.Equal([$"prompt longer than 77 tokens; dropped \"{Dropped}\""], image.Warnings);

        var fits = pipeline.Generate(new StableDiffusionOptions { Prompt = "a cat", NegativePrompt = LongPrompt, Steps = 1, Width = 64, Height = 48 },
            null, TestContext.Current.CancellationToken).Single();
        Assert.Equal([$"negative prompt longer than 77 tokens; dropped \"{Dropped}\""], fits.Warnings);
        Assert.Empty(pipeline.Generate(new StableDiffusionOptions { Prompt = "a cat", Steps = 1, Width = 64, Height = 48 },
            null, TestContext.Current.CancellationToken).Single().Warnings);
    }

    [Fact]
    public async Task GenerateCommandPrintsTheWarning()
    {
        var output = Path.Combine(models.NewTempFolder(), "out.png");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "generate", "-m", models.Folder("fp32"), "-p", LongPrompt, "--steps", "1",
            "-W", "64", "-H", "48", "--seed", "1", "--no-ort-cache", "--no-watermark", "-o", output);
        Assert.True(code == 0, stderr);
        Assert.Contains($"warning: prompt longer than 77 tokens; dropped \"{Dropped}\"", stderr);
    }

    [Fact]
    public async Task WalkCommandPrintsTheWarningForTheKeyframe()
    {
        SharedData.RequireFfmpeg();
        var output = Path.Combine(models.NewTempFolder(), "walk.mp4");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "walk", "-m", models.Folder("fp32"), "--prompt", "a cat", "--seed", "1",
            "--prompt", LongPrompt, "--seed", "2", "--frames", "1", "--steps", "1", "-W", "64", "-H", "48", "--no-ort-cache", "--no-watermark", "-o", output);
        Assert.True(code == 0, stderr);
        Assert.Contains($"warning: keyframe 2 prompt longer than 77 tokens; dropped \"{Dropped}\"", stderr);
        Assert.DoesNotContain("keyframe 1 prompt", stderr);
    }
}
