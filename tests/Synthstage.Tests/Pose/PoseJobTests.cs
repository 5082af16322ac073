using System.Diagnostics;
using System.Text.Json;
using Synthstage.Pose;

namespace Synthstage.Tests.Pose;

/// <summary><see cref="PoseJob"/> end to end: real ffmpeg decode and encode, real models, JSON read back.</summary>
public class PoseJobTests
{
    [Fact]
    public async Task WritesLandmarksJsonAndSkeletonOverlayForEveryFrame()
    {
        SharedData.RequireFfmpeg();
        var clip = SharedData.Require("footage/juggle.mp4");
        var store = await TestModels.RequirePoseStoreAsync();
        var dir = Directory.CreateTempSubdirectory("ss-pose-job-").FullName;
        try
        {
            // The first two seconds, to keep the test short.
            var input = Path.Combine(dir, "clip.mp4");
            using (var ffmpeg = Process.Start("ffmpeg", ["-v", "error", "-i", clip, "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-an", input]))
                await ffmpeg.WaitForExitAsync(TestContext.Current.CancellationToken);
            var json = Path.Combine(dir, "landmarks.json");
            var overlay = Path.Combine(dir, "overlay.mp4");
            var result = await PoseJob.RunAsync(input, new PoseJobOptions { Model = "pose-lite", JsonPath = json, OverlayPath = overlay, Store = store },
                null, TestContext.Current.CancellationToken);
            Assert.Equal(48, result.Frames);
            Assert.Equal(48, result.FramesWithPerson);
            Assert.Equal(1, result.DetectorRuns);
            Assert.False(File.Exists(json + ".partial"));

            using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(json, TestContext.Current.CancellationToken));
            var root = doc.RootElement;
            Assert.Equal(1280, root.GetProperty("width").GetInt32());
            Assert.Equal(33, root.GetProperty("landmarkNames").GetArrayLength());
            Assert.Equal("left_ankle", root.GetProperty("landmarkNames")[27].GetString());
            var frames = root.GetProperty("frames");
            Assert.Equal(48, frames.GetArrayLength());
            foreach (var frame in frames.EnumerateArray())
            {
                Assert.True(frame.GetProperty("score").GetDouble() > 0.5);
                var l = frame.GetProperty("landmarks");
                Assert.Equal(33, l.GetArrayLength());
                Assert.All(l.EnumerateArray(), p => Assert.Equal(5, p.GetArrayLength()));
                double Y(int i) => l[i][1].GetDouble();
                // The juggler stands: nose above the hips above the knees above the ankles, all inside the frame.
                Assert.True(Y(0) < Y(23) && Y(23) < Y(25) && Y(25) < Y(27) && Y(27) < 1, $"frame {frame.GetProperty("index")}: y {Y(0)} {Y(23)} {Y(25)} {Y(27)}");
            }

            var info = await Synthstage.Media.MediaProbe.ProbeAsync(overlay, TestContext.Current.CancellationToken);
            Assert.Equal((1280, 720), (info.Width, info.Height));
            Assert.Equal(48, info.FrameCount);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task WithoutOutputsOrWithAMissingInputItIsAOneLineError()
    {
        var none = await Assert.ThrowsAsync<SynthstageException>(() => PoseJob.RunAsync("x.mp4", new PoseJobOptions(), null, TestContext.Current.CancellationToken));
        Assert.Equal(ExitCodes.Usage, none.ExitCode);
        SharedData.RequireFfmpeg();
        var missing = await Assert.ThrowsAsync<SynthstageException>(() =>
            PoseJob.RunAsync("/nonexistent/clip.mp4", new PoseJobOptions { JsonPath = "/tmp/never.json" }, null, TestContext.Current.CancellationToken));
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.False(File.Exists("/tmp/never.json"));
    }
}
