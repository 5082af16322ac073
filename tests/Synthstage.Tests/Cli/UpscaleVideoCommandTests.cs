using System.Text.Json.Nodes;
using Synthstage.Tests.Media;
using Synthstage.Tests.Tfjs;
using Synthstage.Tfjs;

namespace Synthstage.Tests.Cli;

/// <summary>
/// <c>synthstage upscale IN.mp4 -o OUT.mp4</c> as a child process on a short stretch of a shared clip, with a small
/// imported ×3 model (the ESRGAN layer set, no npm needed): size, frames, audio, labels, Ctrl+C and bad input.
/// </summary>
public sealed class UpscaleVideoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-upv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A ×3 model with convolutions on both sides of the upsampling, written as ONNX by our importer.</summary>
    private string Model()
    {
        var m = new TfjsTestModel(seed: 3);
        var json = m.Save(m.Conv2D(m.UpSampling2D(m.Conv2D(m.Input(3), 4, 3, activation: "relu"), 3, 3), 3, 3));
        var onnx = Path.Combine(_dir, "x3.onnx");
        TfjsImporter.Convert(json, onnx);
        Directory.Delete(Path.GetDirectoryName(json)!, true);
        return onnx;
    }

    /// <summary>Half a second of coffee.mp4 (it has audio) at 64×36 by default, so the model's work stays small.</summary>
    private async Task<string> StretchAsync(double seconds = 0.5, int width = 64)
    {
        SharedData.RequireFfmpeg();
        var path = Path.Combine(_dir, "stretch.mp4");
        await MediaTestKit.FfmpegAsync("-ss", "3", "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", MediaTestKit.Coffee,
            "-vf", $"scale={width}:-2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", path);
        return path;
    }

    [Fact]
    public async Task UpscalesAStretchOfAClipKeepingItsFramesAndAudioAndLabelsIt()
    {
        var input = await StretchAsync();
        var output = Path.Combine(_dir, "up.mp4");
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "upscale", input, "-o", output, "--model", Model(), "--threads", "1", "--tile", "24");
        Assert.True(code == 0, stderr);
        Assert.Equal("192,108", await MediaTestKit.StreamEntryAsync(output, "v:0", "width,height").ContinueWith(t => t.Result.Replace('\n', ','), TestContext.Current.CancellationToken));
        var frames = await MediaTestKit.FfprobeAsync("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "default=nw=1:nk=1", input);
        Assert.Equal(frames, await MediaTestKit.FfprobeAsync("-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "default=nw=1:nk=1", output));
        Assert.Contains($"({frames} frames, 192×108, ×3)", stdout);
        Assert.Equal("aac", await MediaTestKit.StreamEntryAsync(output, "a:0", "codec_name"));

        // Labelled like every output: content credentials naming the command, the input and the model, and verify agrees.
        var manifest = await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output);
        Assert.Equal("upscale", manifest["command"]!.GetValue<string>());
        Assert.Equal("x3", manifest["models"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("3", manifest["parameters"]!["factor"]!.GetValue<string>());
        (code, stdout, stderr) = await CliProcess.RunAsync(null, "verify", output);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("binding (c2pa.hash.bmff.v3): matches", stdout);
        // Nothing but the video: no sidecar, no temporary left behind.
        Assert.Equal(["up.mp4"], Directory.GetFiles(_dir, "up*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task CtrlCStopsWithExitCode130AndLeavesNoOutput()
    {
        var input = await StretchAsync(seconds: 8, width: 192);
        var model = Model();
        var output = Path.Combine(_dir, "interrupted.mp4");
        // Tiles of 8 pixels make each frame slow enough to interrupt midway.
        using var child = CliProcess.Start(null, "upscale", input, "-o", output, "--model", model, "--threads", "1", "--tile", "8");
        var upscaling = await child.WaitForStderrLineAsync(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^upscale: \d+/"));
        Assert.True(upscaling is not null, $"no upscale progress line before the end: {child.Stderr}");
        Assert.False(child.HasExited, "the upscale finished before it could be interrupted");
        child.Signal(CliChild.SigInt);
        Assert.Equal(ExitCodes.Cancelled, await child.WaitForExitAsync());
        Assert.StartsWith("error: cancelled", child.Stderr.Split('\n').Last(l => l.Length > 0));
        Assert.Equal(["stretch.mp4", "x3.onnx"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task AFileThatIsNotAVideoIsBadInputInOneLine()
    {
        SharedData.RequireFfmpeg();
        var notVideo = Path.Combine(_dir, "notes.mp4");
        await File.WriteAllTextAsync(notVideo, "not a video", TestContext.Current.CancellationToken);
        var (code, _, stderr) = await CliProcess.RunAsync(null, "upscale", notVideo, "-o", Path.Combine(_dir, "o.mp4"), "--model", Model());
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("notes.mp4", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(_dir, "o.mp4")));
    }

    [Fact]
    public async Task ATruncatedVideoIsBadInputOrUpscaledAsFarAsItDecodesWithAWarning()
    {
        var input = await StretchAsync(seconds: 1);
        var truncated = Path.Combine(_dir, "truncated.mp4");
        var bytes = await File.ReadAllBytesAsync(input, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray(), TestContext.Current.CancellationToken);
        var output = Path.Combine(_dir, "o.mp4");
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "upscale", truncated, "-o", output, "--model", Model(), "--threads", "1");
        var lines = stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal) || l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.Single(lines);
        if (code == 0)
        {
            Assert.StartsWith("warning: 'truncated.mp4' is damaged or truncated", lines[0]);
            Assert.True(File.Exists(output), stdout);
        }
        else
        {
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("truncated.mp4", lines[0]);
            Assert.False(File.Exists(output));
        }
    }

    [Fact]
    public async Task AScaleTheModelsLackIsAUsageErrorBeforeAnythingIsFetched()
    {
        var input = await StretchAsync();
        var (code, _, stderr) = await CliProcess.RunAsync(null, "upscale", input, "-o", Path.Combine(_dir, "o.mp4"), "--model", "esrgan-x5");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: unknown super-resolution model 'esrgan-x5'", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task AMissingOutputFolderIsBadOutputInOneLine()
    {
        var input = await StretchAsync();
        var output = Path.Combine(_dir, "no-such-folder", "o.mp4");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "upscale", input, "-o", output, "--model", Model());
        Assert.Equal(ExitCodes.BadOutput, code);
        Assert.StartsWith("error: output folder", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task AVideoWrittenAsAPngIsAUsageError()
    {
        var input = await StretchAsync();
        var (code, _, stderr) = await CliProcess.RunAsync(null, "upscale", input, "-o", Path.Combine(_dir, "o.png"), "--model", Model());
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith($"error: input '{input}' is a video", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
