using Synthstage.Media;

namespace Synthstage.Tests.Media;

public class OutputFormatsTests
{
    [Theory]
    [InlineData("out.mp4", OutputFormat.Mp4)]
    [InlineData("OUT.M4V", OutputFormat.Mp4)]
    [InlineData("out.mov", OutputFormat.ProRes)]
    [InlineData("out.webm", OutputFormat.WebM)]
    [InlineData("still.png", OutputFormat.Png)]
    [InlineData("frames/", OutputFormat.PngSequence)]
    [InlineData("frames", OutputFormat.PngSequence)]
    [InlineData("frames/f_%05d.png", OutputFormat.PngSequence)]
    [InlineData("frames/f_%d.png", OutputFormat.PngSequence)]
    public void FormatFollowsThePath(string path, OutputFormat expected) => Assert.Equal(expected, OutputFormats.FromPath(path));

    [Fact]
    public void ExistingFolderIsASequence() => Assert.Equal(OutputFormat.PngSequence, OutputFormats.FromPath(Path.GetTempPath().TrimEnd('/')));

    [Theory]
    [InlineData("clip.avi")]
    [InlineData("frames/f_%04d.jpg")]
    public void UnknownExtensionIsAUsageError(string path)
    {
        var e = Assert.Throws<SynthstageException>(() => OutputFormats.FromPath(path));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void OnlyMp4LacksAlpha()
    {
        Assert.False(OutputFormats.SupportsAlpha(OutputFormat.Mp4));
        Assert.All(new[] { OutputFormat.WebM, OutputFormat.ProRes, OutputFormat.PngSequence, OutputFormat.Png },
            f => Assert.True(OutputFormats.SupportsAlpha(f)));
    }

    [Fact]
    public void OptionsTakeTheFormatFromThePathUnlessSet()
    {
        var options = new VideoWriterOptions("a.webm", 2, 2, 24);
        Assert.Equal(OutputFormat.WebM, options.Format);
        Assert.Equal(OutputFormat.Mp4, (options with { OutputPath = "b.mp4" }).Format);
        Assert.Equal(OutputFormat.ProRes, new VideoWriterOptions("x.avi", 2, 2, 24) { Encoder = new EncoderSettings { Format = OutputFormat.ProRes } }.Format);
        Assert.Equal((FramePixelFormat.Rgb24, 18, "veryfast"), (options.InputPixelFormat, options.Encoder.Crf, options.Encoder.Preset));
    }

    [Fact]
    public void OptionsPrintEvenWithAnUnsupportedExtension() =>
        Assert.Contains("Format = unsupported", new VideoWriterOptions("x.avi", 2, 2, 24).ToString());
}
