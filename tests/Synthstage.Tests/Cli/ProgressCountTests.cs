using System.Globalization;
using System.Text.RegularExpressions;
using Synthstage.Tests.Diffusion.Models;

namespace Synthstage.Tests.Cli;

/// <summary>
/// The progress lines of the real CLI (plain lines on a redirected stderr) count what is done: 1/2 before 2/2, one line
/// per count, and as many denoising steps as were asked for.
/// </summary>
public sealed partial class ProgressCountTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    [GeneratedRegex(@"^(?<stage>[a-z ]+): (?<done>\d+)/(?<total>\d+)")]
    private static partial Regex CountLine();

    private static (long Done, long Total)[] Counts(string stderr, string stage) =>
        stderr.Split('\n').Select(l => CountLine().Match(l)).Where(m => m.Success && m.Groups["stage"].Value == stage)
            .Select(m => (long.Parse(m.Groups["done"].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups["total"].Value, CultureInfo.InvariantCulture)))
            .ToArray();

    [Fact]
    public async Task InstallShowsOneOfTwoThenTwoOfTwo()
    {
        var home = Directory.CreateTempSubdirectory("ss-progress-").FullName;
        try
        {
            var (code, stdout, stderr) = await CliProcess.RunAsync(new Dictionary<string, string> { ["SYNTHSTAGE_HOME"] = home }, "models", "install", "mediapipe-selfie");
            if (code != 0 && NpmRegistry.IsUnavailable(stderr)) Assert.Skip($"npm or its registry is unavailable here: {stderr.Trim()}");
            Assert.True(code == 0, stderr);
            Assert.Equal(2, stdout.Split('\n').Count(l => l.StartsWith("installed ", StringComparison.Ordinal)));
            Assert.Equal([(1L, 2L), (2L, 2L)], Counts(stderr, "install"));
            // The first line says what starts, without a count of nothing done.
            Assert.StartsWith("install: npm pack ", stderr.Split('\n').First(l => l.StartsWith("install:", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Theory]
    [InlineData("pndm", 25, 1)] // PNDM runs 26 UNet calls for 25 steps (its warm-up repeats a timestep)
    [InlineData("euler", 25, 1)]
    [InlineData("pndm", 3, 2)]
    public async Task DenoisingCountsTheStepsAskedFor(string scheduler, int steps, int count)
    {
        var dir = models.NewTempFolder();
        var (code, _, stderr) = await CliProcess.RunAsync(null, "generate", "--model", models.Folder("fp32"), "--prompt", "a cat", "--seed", "1",
            "--steps", steps.ToString(CultureInfo.InvariantCulture), "--scheduler", scheduler, "--count", count.ToString(CultureInfo.InvariantCulture),
            "-W", "64", "-H", "48", "--no-ort-cache", "--no-watermark", "-o", Path.Combine(dir, "out.png"));
        Assert.True(code == 0, stderr);
        var expected = Enumerable.Range(1, steps * count).Select(i => ((long)i, (long)steps * count)).ToArray();
        Assert.Equal(expected, Counts(stderr, "denoise"));
    }
}
