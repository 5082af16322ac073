using System.Globalization;
using System.Text;
using Synthstage.Media;
using Synthstage.Selection;
using Synthstage.Video;

namespace Synthstage.Tests.Selection;

/// <summary>
/// What taking other people out of a region-selected subject costs when there are none: on coffee.mp4 (one person, a
/// torso without a face) the tracker runs on the points frame only and the detector alone every few frames after.
/// </summary>
public sealed class PeopleSeparationTests
{
    [Fact]
    public async Task ALoneSubjectRunsTheTrackerOnThePointsFrameOnly()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var info = await MediaProbe.ProbeAsync(coffee, TestContext.Current.CancellationToken);
        var options = new KeyingOptions
        {
            Model = "general",
            Store = await TestModels.RequirePoseStoreAsync(),
            Selection = new SubjectSelection { Points = [SubjectPoint.Parse("640,200@0", SubjectPointKind.Subject)] },
        };
        using var stages = await MatteStages.CreateAsync(options, info.Width, info.Height, null, TestContext.Current.CancellationToken);
        var separation = stages.Selector!.Separation!;
        var mask = new float[stages.MaskWidth * stages.MaskHeight];
        const int frames = 40;
        var report = new StringBuilder();
        await using (var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24))
        {
            var frame = new byte[reader.FrameSizeBytes];
            for (var f = 0; f < frames && await reader.ReadFrameAsync(frame, TestContext.Current.CancellationToken); f++)
            {
                stages.SegmentAndShape(frame, mask, f);
                var tracks = stages.Selector.Tracker.Tracks.Where(t => t.Visible).Select(t => t.Id.ToString(CultureInfo.InvariantCulture));
                report.Append(CultureInfo.InvariantCulture, $"{f}:{(separation.Tracking ? "T" : "-")}[{string.Join(",", tracks)}|{string.Join(",", separation.Selected)}] ");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(separation.TrackedFrames <= 1, $"the tracker ran on {separation.TrackedFrames} of {frames} frames with nobody but the subject: {report}");
        Assert.InRange(separation.Probes, frames / PeopleSeparation.ProbeEvery - 2, frames / PeopleSeparation.ProbeEvery + 1);
    }
}
