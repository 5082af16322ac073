namespace Synthstage.Tests.Pose;

/// <summary>The real <c>synthstage pose</c> command as a child process: usage errors are one line with exit code 2.</summary>
public class PoseCommandTests
{
    [Fact]
    public async Task WithoutJsonOrOverlayItSaysThereIsNothingToWrite()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "pose", "clip.mp4");
        Assert.Equal(2, code);
        Assert.Equal("error: nothing to write: give --json FILE and/or -o OVERLAY", stderr.Trim());
    }

    [Fact]
    public async Task UnknownPersonChoiceIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "pose", "clip.mp4", "--json", "x.json", "--person", "tallest");
        Assert.Equal(2, code);
        Assert.Equal("error: unknown --person 'tallest'; use largest or confident", stderr.Trim());
    }
}
