using Synthstage.Selection;
using Synthstage.Video;

namespace Synthstage.Tests.Selection;

/// <summary>Parsing, checking and describing the points of <c>--subject</c> and <c>--exclude</c>.</summary>
public sealed class SubjectPointTests
{
    [Theory]
    [InlineData("120,340", 120f, 340f, 0)]
    [InlineData("12.5,7@30", 12.5f, 7f, 30)]
    public void PointsParseWithAnOptionalFrame(string text, float x, float y, int frame) =>
        Assert.Equal(new SubjectPoint(x, y, frame, SubjectPointKind.Subject), SubjectPoint.Parse(text, SubjectPointKind.Subject));

    [Theory]
    [InlineData("120")]
    [InlineData("1,2,3")]
    [InlineData("a,2")]
    [InlineData("1,2@-4")]
    [InlineData("1,2@3@4")]
    public void MalformedPointsAreUsageErrorsNamingTheOption(string text)
    {
        var error = Assert.Throws<SynthstageException>(() => SubjectPoint.Parse(text, SubjectPointKind.Exclude));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith("--exclude expects X,Y or X,Y@FRAME", error.Message);
    }

    [Fact]
    public void PointsOutsideTheFramePastTheEndOrOnALaterFrameOfAStillAreRefused()
    {
        SynthstageException Check(SubjectPoint point, bool still = false) => Assert.Throws<SynthstageException>(() =>
            new SubjectSelection { Points = [point] }.Validate(640, 360, 48, still, frameCountExact: true, "clip.mp4"));
        Assert.Contains("outside the 640×360 frame", Check(new SubjectPoint(640, 10, 0, SubjectPointKind.Subject)).Message);
        Assert.Contains("outside", Check(new SubjectPoint(10, -1, 0, SubjectPointKind.Exclude)).Message);
        Assert.Contains("past the end of 'clip.mp4' (48 frames: 0–47)", Check(new SubjectPoint(1, 1, 48, SubjectPointKind.Subject)).Message);
        Assert.Contains("still image", Check(new SubjectPoint(1, 1, 1, SubjectPointKind.Subject), still: true).Message);
        new SubjectSelection { Points = [new SubjectPoint(639, 359, 47, SubjectPointKind.Subject)] }.Validate(640, 360, 48, false, true, "clip.mp4");
    }

    [Fact]
    public void ThePointsReachTheResumeKeyAndManifestButNoPointsChangeNothing()
    {
        var plain = SettingsWriter.Collect(new KeyingOptions());
        Assert.DoesNotContain(plain, s => s.Name.Contains("subject", StringComparison.Ordinal));
        var pointed = SettingsWriter.Collect(new KeyingOptions
        {
            Selection = new SubjectSelection { Points = [new SubjectPoint(10, 20, 0, SubjectPointKind.Subject), new SubjectPoint(5, 6, 30, SubjectPointKind.Exclude)] },
        });
        Assert.Equal("10,20@0", pointed.Single(s => s.Name == "subject points").Value);
        Assert.Equal("5,6@30", pointed.Single(s => s.Name == "exclude points").Value);
    }
}
