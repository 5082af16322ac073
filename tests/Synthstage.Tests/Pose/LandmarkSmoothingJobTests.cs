using System.Diagnostics;
using System.Text.Json;
using Synthstage.Pose;

namespace Synthstage.Tests.Pose;

/// <summary><c>--landmark-smoothing</c> through <see cref="PoseJob"/> and the real command line.</summary>
public class LandmarkSmoothingJobTests
{
    [Theory]
    [InlineData("--landmark-smoothing", "pose", "clip.mp4", "--json", "x.json")]
    [InlineData("--crop-smoothing", "pose", "clip.mp4", "--json", "x.json")]
    [InlineData("--crop-smoothing", "eval", "matte", "--video", "clip.mp4")]
    public async Task UnknownValueIsAUsageError(string option, params string[] command)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, [.. command, option, "maybe"]);
        Assert.Equal(2, code);
        Assert.Equal($"error: unknown {option} 'maybe'; use on or off", stderr.Trim());
    }

    [Fact]
    public async Task SmoothedJsonStartsAtTheRawLandmarksAndMovesLessJerkily()
    {
        SharedData.RequireFfmpeg();
        var clip = SharedData.Require("footage/juggle.mp4");
        var store = await TestModels.RequirePoseStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("ss-pose-smooth-").FullName;
        try
        {
            var input = Path.Combine(dir, "clip.mp4");
            using (var ffmpeg = Process.Start("ffmpeg", ["-v", "error", "-i", clip, "-t", "1.5", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-an", input]))
                await ffmpeg.WaitForExitAsync(ct);
            async Task<double[][]> RunAsync(bool smoothing)
            {
                var json = Path.Combine(dir, $"landmarks-{smoothing}.json");
                await PoseJob.RunAsync(input, new PoseJobOptions { Model = "pose-lite", JsonPath = json, Store = store, LandmarkSmoothing = smoothing }, null, ct);
                using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(json, ct));
                return doc.RootElement.GetProperty("frames").EnumerateArray()
                    .Select(f => f.GetProperty("landmarks").EnumerateArray().SelectMany(p => new[] { p[0].GetDouble(), p[1].GetDouble() }).ToArray()).ToArray();
            }
            var raw = await RunAsync(false);
            var smooth = await RunAsync(true);
            Assert.Equal(36, raw.Length);
            Assert.Equal(raw.Length, smooth.Length);
            Assert.Equal(raw[0], smooth[0]); // the first frame of a track passes through the filters
            static double Jerk(double[][] frames)
            {
                var sum = 0.0;
                for (var t = 2; t < frames.Length; t++)
                    for (var i = 0; i < frames[t].Length; i++) sum += Math.Abs(frames[t][i] - 2 * frames[t - 1][i] + frames[t - 2][i]);
                return sum;
            }
            var (rawJerk, smoothJerk) = (Jerk(raw), Jerk(smooth));
            TestContext.Current.TestOutputHelper?.WriteLine($"sum of |second differences|: raw {rawJerk:F3}, smoothed {smoothJerk:F3}");
            Assert.True(smoothJerk < rawJerk * 0.8, $"smoothed {smoothJerk:F3} vs raw {rawJerk:F3}");
        }
        finally { Directory.Delete(dir, true); }
    }
}
