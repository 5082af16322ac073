using System.Globalization;
using Synthstage.Media;
using Synthstage.Tests.Walks;

namespace Synthstage.Tests.Sharding;

/// <summary>
/// A keyed composite of two seconds of coffee.mp4 planned into four shards, rendered by four concurrent workers and
/// stitched: after each shard's warm-up the frames equal a single <c>composite</c> run's (both lossless, so the
/// comparison sees the pixels, not the encoder), and the audio is muxed once.
/// </summary>
public sealed class CompositeShardingCliTests
{
    [Fact]
    public async Task FourShardsOfAKeyedCompositeDecodeToTheSingleRendersFrames()
    {
        SharedData.RequireFfmpeg();
        var footage = SharedData.Require("footage/coffee.mp4");
        await TestModels.RequireSelfieStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("ss-shard-composite-").FullName;
        try
        {
            var clip = Path.Combine(dir, "clip.mp4");
            var cut = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath,
                ["-nostdin", "-v", "error", "-ss", "3", "-i", footage, "-t", "2", "-vf", "scale=320:180", "-c:v", "libx264", "-crf", "18", "-c:a", "aac", clip], ct);
            Assert.True(cut.ExitCode == 0, cut.StandardError);
            string[] settings = ["--background", "#206020", "--crf", "0", "--no-watermark"];
            var job = Path.Combine(dir, "job");
            var plan = await CliProcess.RunAsync(null, ["plan", "composite", clip, .. settings, "--shards", "4", "-o", job]);
            Assert.True(plan.Code == 0, plan.Stderr);
            Assert.Contains("shard 1: frames 15..29 (+15 warm-up)", plan.Stdout);
            Assert.Contains("shard 3: frames 45..59 (+24 warm-up)", plan.Stdout);

            var workers = Enumerable.Range(0, 4)
                .Select(i => CliProcess.RunAsync(new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = i.ToString(CultureInfo.InvariantCulture) }, "render-shard", job))
                .ToArray();
            foreach (var worker in await Task.WhenAll(workers)) Assert.True(worker.Code == 0, worker.Stderr);
            var stitched = Path.Combine(dir, "stitched.mp4");
            var stitch = await CliProcess.RunAsync(null, "stitch", job, "-o", stitched);
            Assert.True(stitch.Code == 0, stitch.Stderr);

            var single = Path.Combine(dir, "single.mp4");
            var composite = await CliProcess.RunAsync(null, ["composite", clip, .. settings, "-o", single]);
            Assert.True(composite.Code == 0, composite.Stderr);

            var probe = await MediaProbe.ProbeAsync(stitched, ct);
            Assert.Single(probe.AudioStreams);
            var expected = await ResumableVideoOutputTests.DecodeAsync(single);
            var actual = await ResumableVideoOutputTests.DecodeAsync(stitched);
            Assert.Equal(60 * 320 * 180 * 3, expected.Length);
            Assert.Equal(expected.Length, actual.Length);
            var worst = 0;
            for (var i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
            TestContext.Current.TestOutputHelper?.WriteLine($"largest difference from the single render: {worst} of 255");
            Assert.Equal(0, worst);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
