using Synthstage.Compositing;
using Synthstage.Video;

namespace Synthstage.Tests.Video;

/// <summary>An output that cannot hold the input is a usage error before any model loads or frame decodes.</summary>
public sealed class RenderOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-output-kind-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // An empty model store: a render that got as far as loading the model would fail with another error (or install it).
    private KeyingOptions Options() => new() { Store = new Synthstage.Models.ModelStore(Path.Combine(_dir, "no-models")) };

    [Fact]
    public async Task AVideoIntoASinglePngIsAUsageErrorBeforeAnythingRenders()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var output = Path.Combine(_dir, "out.png");

        var composite = await Assert.ThrowsAsync<SynthstageException>(() =>
            CompositeJob.RunAsync(coffee, output, new BackgroundSpec.Solid(0, 0, 0), Options(), ct: Ct));
        var matte = await Assert.ThrowsAsync<SynthstageException>(() =>
            MatteJob.RunAsync(coffee, output, MatteOutputKind.Auto, Options(), ct: Ct));

        foreach (var error in new[] { composite, matte })
        {
            Assert.Equal(ExitCodes.Usage, error.ExitCode);
            Assert.Equal("'coffee.mp4' is a video (287 frames) and '" + output + "' is a single PNG; write .mp4/.webm/.mov or a folder for a PNG sequence", error.Message);
        }
        // No output, no temporary, and the model store untouched: the render never started.
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task AResumableOutputMustBeAVideoFile()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        foreach (var name in new[] { "frames", "still.png" })
        {
            var error = await Assert.ThrowsAsync<SynthstageException>(() => CompositeJob.RunAsync(coffee,
                new RenderOutput.Resumable(Path.Combine(_dir, name)), new BackgroundSpec.Blur(), Options(), new CompositeLook(), ct: Ct));
            Assert.Equal(ExitCodes.Usage, error.ExitCode);
            Assert.Contains("must be a video file (.mp4, .webm or .mov)", error.Message);
        }
        var badPart = await Assert.ThrowsAsync<SynthstageException>(() => CompositeJob.RunAsync(coffee,
            new RenderOutput.Resumable(Path.Combine(_dir, "o.mp4")) { PartSeconds = 0 }, new BackgroundSpec.Blur(), Options(), new CompositeLook(), ct: Ct));
        Assert.Equal(ExitCodes.Usage, badPart.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void OnlyVideoFilesCanResume()
    {
        Assert.True(RenderOutput.CanResume("a.mp4"));
        Assert.True(RenderOutput.CanResume("a.webm"));
        Assert.True(RenderOutput.CanResume("a.mov"));
        Assert.False(RenderOutput.CanResume("a.png"));
        Assert.False(RenderOutput.CanResume("frames/"));
        Assert.Equal(ExitCodes.Usage, Assert.Throws<SynthstageException>(() => RenderOutput.CanResume("a.avi")).ExitCode);
    }
}
