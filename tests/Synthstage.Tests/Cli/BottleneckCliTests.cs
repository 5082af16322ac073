using System.Text.RegularExpressions;

namespace Synthstage.Tests.Cli;

/// <summary>
/// A real render through the CLI names its slowest stage: in the progress lines while it runs, in the result line, and
/// stage by stage with -v; the encoder is named with its speed setting when the encode stage is the slowest.
/// </summary>
public sealed partial class BottleneckCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-bottleneck-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Stage = @"(decode|segment|finish|stamp|encode( \([^)]+\))?) \d+ % busy";

    [GeneratedRegex(@"^render: \d+/48 juggle360\.mp4; slowest stage: " + Stage + "$")]
    private static partial Regex LiveLine();

    [GeneratedRegex(@"^wrote .+matte\.webm: 48 frames in \d+\.\d s \(\d+\.\d frames/s\); slowest stage: encode \(libvpx-vp9 good, cpu-used 1\) \d+ % busy$")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"^busy per stage over \d+\.\d\d s: decode \d+\.\d\d s \(\d+ %\), segment \d+\.\d\d s \(\d+ %\), finish \d+\.\d\d s \(\d+ %\), " +
        @"stamp \d+\.\d\d s \(\d+ %\), encode \(libvpx-vp9 good, cpu-used 1\) \d+\.\d\d s \(\d+ %\); slowest: encode$")]
    private static partial Regex VerboseLine();

    [Fact]
    public async Task ASlowEncoderIsNamedAsTheBottleneck()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        // Two seconds of juggle.mp4 at 640×360. VP9 at the good deadline with cpu-used 1 (--preset veryslow) and its alpha
        // plane costs tens of milliseconds a frame here, while the segmentation network runs on 256×144 whatever the size
        // and --refine off makes the finish a bilinear enlargement: the encoder is the bottleneck by far.
        var clip = Path.Combine(_dir, "juggle360.mp4");
        await Video.KeyingJobTests.RunFfmpegAsync("-i", SharedData.Require("footage/juggle.mp4"), "-frames:v", "48", "-vf", "scale=640:360", "-an",
            "-c:v", "libx264", "-preset", "ultrafast", clip);
        var output = Path.Combine(_dir, "matte.webm");

        var (code, stdout, stderr) = await CliProcess.RunAsync(null,
            "matte", clip, "-o", output, "--refine", "off", "--vp9-deadline", "good", "--preset", "veryslow", "--no-watermark", "-v");

        Assert.True(code == 0, stderr);
        var result = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(ResultLine(), result);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Frames wait on the encoder once its lookahead is full, so the loop lasts well past the first measurement
        // (half a second in) and the last progress line names the bottleneck of the frames so far.
        Assert.StartsWith("render: 1/48 juggle360.mp4", lines.First(l => l.StartsWith("render:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Matches(LiveLine(), lines.Last(l => l.StartsWith("render:", StringComparison.Ordinal)));
        Assert.Matches(VerboseLine(), Assert.Single(lines, l => l.StartsWith("busy per stage", StringComparison.Ordinal)));
        Assert.True(File.Exists(output));
    }
}
