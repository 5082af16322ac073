using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Synthstage.Tests.Forge;
using Synthstage.Tests.Video;

namespace Synthstage.Tests.Cli;

/// <summary><c>composite --prompt</c> without <c>--seed</c>: the preview and the full render use one printed seed, so one scene.</summary>
public sealed class SceneSeedCliTests(ForgedFolders forged) : IClassFixture<ForgedFolders>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-seed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task PreviewThenRenderShowTheSameSceneWithThePrintedSeed()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var clip = Path.Combine(_dir, "clip.mp4");
        await KeyingJobTests.RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", "6", "-c:v", "libx264", "-preset", "ultrafast", "-an", clip);
        // The documented rule, written out here: SHA-256 of the prompts, the negative prompt and the input's name and size; first 4 bytes, big-endian.
        var prompt = $"a beach {Guid.NewGuid():N}"; // a prompt no earlier run cached
        var text = $"prompt\0{prompt}\0negative\0\0input\0clip.mp4\0{new FileInfo(clip).Length.ToString(CultureInfo.InvariantCulture)}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var expectedSeed = ((ulong)hash[0] << 24) | ((ulong)hash[1] << 16) | ((ulong)hash[2] << 8) | hash[3];
        string[] common = ["composite", clip, "--prompt", prompt, "--steps", "2", "--scene-model", forged.Get("tiny"), "--preset", "ultrafast", "--no-watermark"];

        var preview = await CliProcess.RunAsync(null, [.. common, "--preview", "-o", Path.Combine(_dir, "preview.png")]);
        Assert.True(preview.Code == 0, preview.Stderr);
        var seedLine = $"seed {expectedSeed}: from the prompt and the input, so --preview and the full render show the same scene (--seed N for another)";
        Assert.Contains(seedLine, preview.Stdout.Split('\n').Select(l => l.TrimEnd()));
        Assert.Contains($"(seed {expectedSeed}) generated in", preview.Stdout);

        var render = await CliProcess.RunAsync(null, [.. common, "-o", Path.Combine(_dir, "full.mp4")]);
        Assert.True(render.Code == 0, render.Stderr);
        Assert.Contains(seedLine, render.Stdout.Split('\n').Select(l => l.TrimEnd()));
        // The plate the preview generated is the one the render uses: same seed, same cache entry.
        Assert.Contains($"(seed {expectedSeed}) from the cache", render.Stdout);
    }
}
