using System.Diagnostics;
using Synthstage.Media;
using static Synthstage.Tests.Media.MediaTestKit;

namespace Synthstage.Tests.Media;

public class FfmpegToolsTests
{
    [Theory]
    [InlineData(24.0, "24")]
    [InlineData(30000 / 1001.0, "30000/1001")]
    [InlineData(24000 / 1001.0, "24000/1001")]
    [InlineData(12.5, "12.5")]
    public void FrameRatesAreWrittenExactly(double fps, string expected) => Assert.Equal(expected, FfmpegTools.FormatRate(fps));

    [Fact]
    public void FindsToolsAndVersion()
    {
        SharedData.RequireFfmpeg();
        Assert.True(FfmpegTools.IsAvailable);
        Assert.True(File.Exists(FfmpegTools.FfmpegPath));
        Assert.True(File.Exists(FfmpegTools.FfprobePath));
        var version = FfmpegTools.FfmpegVersion;
        Assert.True(version.Major == 0 || version >= new Version(4, 0), $"ffmpeg {version}");
    }

    [Fact]
    public async Task RunReturnsExitCodeAndOutput()
    {
        SharedData.RequireFfmpeg();
        var ok = await FfmpegTools.RunAsync(FfmpegTools.FfprobePath, ["-version"], Ct);
        Assert.Equal(0, ok.ExitCode);
        Assert.StartsWith("ffprobe version", ok.StandardOutput);
        var bad = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, ["-v", "error", "-i", "/nonexistent/x.mp4"], Ct);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("No such file", bad.FirstErrorLine);
    }

    [Fact]
    public async Task CancellationKillsTheProcess()
    {
        SharedData.RequireFfmpeg();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        // An endless source: only the kill can end this run.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FfmpegTools.RunAsync(FfmpegTools.FfmpegPath,
            ["-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=64x48", "-f", "null", "-"], cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task EncoderFailureIsReportedOnOneLine()
    {
        SharedData.RequireFfmpeg();
        using var dir = new ScratchFolder();
        var e = await Assert.ThrowsAsync<SynthstageException>(() =>
            WritePatternAsync(new VideoWriterOptions(dir["a.mp4"], 64, 32, 24) { Encoder = EncoderSettings.Default with { Preset = "no-such-preset" } }, 3));
        Assert.Equal(ExitCodes.Failure, e.ExitCode);
        Assert.Contains("a.mp4", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(dir.Entries());
    }
}
