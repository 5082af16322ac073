using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Cli;

/// <summary>
/// The real CLI's parser errors: one line on stderr, exit code 2, a pointer to the command's help; nothing is opened,
/// so the inputs named here need not exist.
/// </summary>
public sealed class UsageErrorTests
{
    private static async Task<string> UsageErrorAsync(params string[] args)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, args);
        Assert.True(code == 2, $"exit {code}: {stderr}");
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        return stderr.TrimEnd();
    }

    [Fact]
    public async Task ATokenThatLooksLikeAnOptionIsAnUnknownOptionNotAnInput()
    {
        // Before: --qqqq and 1,2 became inputs and the error was about the output folder.
        Assert.Equal("error: unknown option '--qqqq' (see synthstage matte --help)",
            await UsageErrorAsync("matte", "clip.mp4", "--qqqq", "1,2", "-o", "/nonexistent-folder/out.mp4"));
    }

    [Fact]
    public async Task AMisspeltOptionSuggestsTheNearestNameOnly()
    {
        Assert.Equal("error: unknown option '--bakground'; did you mean '--background'? (see synthstage composite --help)",
            await UsageErrorAsync("composite", "in.mp4", "--bakground", "blur", "-o", "o.mp4"));
        Assert.Equal("error: unknown option '--treshold'; did you mean '--threshold'? (see synthstage matte --help)",
            await UsageErrorAsync("matte", "in.mp4", "--treshold", "0.4", "-o", "o.webm"));
    }

    [Fact]
    public async Task AMissingRequiredOptionIsNamedWithItsDescription()
    {
        Assert.Equal("error: missing -o/--output: Output video or image (.mp4, .webm, .mov, .png, or a folder for PNG frames) (see synthstage composite --help)",
            await UsageErrorAsync("composite", "in.mp4", "-b", "blur"));
    }

    [Fact]
    public async Task NoCommandListsTheCommands()
    {
        Assert.Equal("error: no command given; use one of: matte, composite, models, forge, generate, tokenize, pose, subjects, verify, keys, eval, walk, upscale, plan, render-shard, stitch, studio (see synthstage --help)",
            await UsageErrorAsync());
    }

    [Fact]
    public async Task AMisspeltCommandSuggestsTheNearestCommand()
    {
        Assert.Equal("error: unknown command 'compsite'; did you mean 'composite'? (see synthstage --help)", await UsageErrorAsync("compsite"));
        Assert.Equal("error: unknown command 'pul'; did you mean 'pull'? (see synthstage models --help)", await UsageErrorAsync("models", "pul"));
    }

    [Fact]
    public async Task ANumberOptionWithTextSaysWhatItMustBe()
    {
        Assert.Equal("error: --steps 'abc' is not a whole number (see synthstage composite --help)",
            await UsageErrorAsync("composite", "in.mp4", "-b", "blur", "-o", "o.mp4", "--steps", "abc"));
        Assert.Equal("error: --seed '-3' is not a whole number of at least 0 (see synthstage generate --help)",
            await UsageErrorAsync("generate", "-m", "x", "-p", "y", "-o", "o.png", "--seed", "-3"));
    }

    public static TheoryData<string[], string> BadChoices => new()
    {
        { ["matte", "in.mp4", "-o", "o.webm", "--refine", "sharp"], "error: unknown --refine 'sharp'; use guided or off" },
        { ["matte", "in.mp4", "-o", "o.webm", "--kind", "matte"], "error: unknown --kind 'matte'; use auto, alpha or mask" },
        { ["matte", "in.mp4", "-o", "o.webm", "--format", "avi"], "error: unknown --format 'avi'; use mp4, webm, prores, png-sequence or png" },
        { ["matte", "in.mp4", "-o", "o.webm", "--device", "tpu"], "error: unknown --device 'tpu'; use cpu, cuda or cuda:N" },
        { ["matte", "in.mp4", "-o", "o.webm", "--device", "cuda:x"], "error: unknown --device 'cuda:x'; use cpu, cuda or cuda:N" },
        { ["composite", "in.mp4", "--prompt", "a", "-o", "o.mp4", "--background-motion", "spin"], "error: unknown --background-motion 'spin'; use none, pan, zoom or walk" },
        { ["pose", "in.mp4", "--json", "x.json", "--heatmap-refinement", "maybe"], "error: unknown --heatmap-refinement 'maybe'; use on or off" },
        { ["pose", "in.mp4", "--json", "x.json", "-m", "pose-huge"], "error: unknown --model 'pose-huge'; use pose-lite, pose-full or pose-heavy" },
        { ["forge", "sd15", "-o", "dir", "--scale", "small"], "error: unknown --scale 'small'; use tiny or full" },
        { ["forge", "sd15", "-o", "dir", "--ids", "int16"], "error: unknown --ids 'int16'; use int32 or int64" },
        { ["walk", "-m", "x", "-p", "a", "-o", "w.mp4", "--device", "cuda:"], "error: unknown --device 'cuda:'; use cpu, cuda or cuda:N" },
    };

    [Theory]
    [MemberData(nameof(BadChoices))]
    public async Task AValueOutsideTheChoicesFailsWhileParsingAndListsThem(string[] args, string expected)
    {
        Assert.Equal(expected, await UsageErrorAsync(args));
    }

    [Theory]
    [InlineData("--crop-smoothing", "off")]
    [InlineData("--heatmap-refinement", "ON")]
    [InlineData("--landmark-smoothing", "false")]
    public async Task AnOnOffSwitchTakesItsValue(string option, string value)
    {
        // The value is the switch's, not a stray argument: the command gets as far as looking for its input.
        var (code, _, stderr) = await CliProcess.RunAsync(null, "pose", "/nonexistent/clip.mp4", "--json", "x.json", option, value);
        Assert.Equal(3, code);
        Assert.Equal("error: input '/nonexistent/clip.mp4' does not exist", stderr.Trim());
    }

    [Theory]
    [InlineData("generate", "-m", "x", "-p", "y", "-o", "o.png")]
    [InlineData("walk", "-m", "x", "-p", "y", "-o", "w.mp4")]
    [InlineData("composite", "in.mp4", "--prompt", "y", "-o", "o.mp4")]
    public async Task AnUnknownSchedulerListsTheRegistrysNames(params string[] args)
    {
        var names = SchedulerFactory.Names;
        var listed = $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
        Assert.Equal($"error: unknown --scheduler 'eulr'; use {listed}", await UsageErrorAsync([.. args, "--scheduler", "eulr"]));
    }

    [Fact]
    public async Task AnUnknownSegmentationModelListsTheSegmentationModels()
    {
        // Not the diffusion catalog ("did you mean 'sd-turbo'?") as the model resolver's message would.
        Assert.Equal("error: unknown segmentation model 'genral' (did you mean 'general'?); use auto, general, landscape, pose-lite, pose-full, pose-heavy, person, person-lite, isnet, isnet-512, or an .onnx file",
            await UsageErrorAsync("matte", "in.mp4", "-o", "o.webm", "-m", "genral"));
        Assert.Equal("error: unknown segmentation model 'selfie'; use auto, general, landscape, pose-lite, pose-full, pose-heavy, person, person-lite, isnet, isnet-512, or an .onnx file",
            await UsageErrorAsync("composite", "in.mp4", "-b", "blur", "-o", "o.mp4", "--model", "selfie"));
    }

    [Fact]
    public async Task HelpNamesTheCommandSynthstageAndListsTheChoices()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "composite", "--help");
        Assert.True(code == 0, stderr);
        Assert.Contains("Usage:\n  synthstage composite <input> [options]", stdout.Replace("\r", ""));
        Assert.DoesNotContain("Synthstage.Cli", stdout);
        Assert.Contains("--refine <guided|off>", stdout);
        Assert.Contains("--background-motion <none|pan|zoom|walk>", stdout);
        Assert.Contains("--device <cpu|cuda|cuda:N>", stdout);
        Assert.Contains("-f, --format <mp4|webm|prores|png-sequence|png>", stdout);
        Assert.Contains($"--scheduler <{string.Join('|', SchedulerFactory.Names)}>", stdout);
    }

    [Fact]
    public async Task TokensAfterADoubleDashAreInputsEvenWhenTheyStartWithADash()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var (code, _, stderr) = await CliProcess.RunAsync(null, "matte", "-o", Path.Combine(Path.GetTempPath(), "never-written.webm"), "--", "--clip.mp4");
        Assert.NotEqual(2, code);
        Assert.DoesNotContain("unknown option", stderr);
        Assert.Contains("--clip.mp4", stderr);
    }
}
