using Synthstage.Pose;

namespace Synthstage.Tests.Pose;

/// <summary>Anchors and the rotated region of interest, against values worked out by hand from MediaPipe's definitions.</summary>
public class PoseGeometryTests
{
    [Fact]
    public void AnchorsFollowTheSsdLayoutOfThePoseDetector()
    {
        var a = PoseAnchors.Centres();
        Assert.Equal(2254 * 2, a.Length);
        // Stride 8: 28×28 cells × 2 anchors; the two anchors of a cell share its centre.
        Assert.Equal((0.5f / 28, 0.5f / 28), (a[0], a[1]));
        Assert.Equal((a[0], a[1]), (a[2], a[3]));
        Assert.Equal((1.5f / 28, 0.5f / 28), (a[4], a[5]));
        // Stride 16 starts after 28·28·2 = 1568 anchors; the three stride-32 layers share 7×7 cells with 6 anchors each.
        Assert.Equal((0.5f / 14, 0.5f / 14), (a[2 * 1568], a[2 * 1568 + 1]));
        Assert.Equal((0.5f / 7, 0.5f / 7), (a[2 * 1960], a[2 * 1960 + 1]));
        Assert.Equal((0.5f / 7, 0.5f / 7), (a[2 * 1965], a[2 * 1965 + 1]));
        Assert.Equal((1.5f / 7, 0.5f / 7), (a[2 * 1966], a[2 * 1966 + 1]));
        Assert.Equal((6.5f / 7, 6.5f / 7), (a[^2], a[^1]));
    }

    [Fact]
    public void UprightBodyGivesAnUnrotatedSquareOfTwoAndAHalfTimesTheRadius()
    {
        var r = PoseRegion.FromAlignmentPoints(640, 400, 640, 200);
        Assert.Equal(640, r.CentreX);
        Assert.Equal(400, r.CentreY);
        Assert.Equal(2 * 200 * 1.25f, r.Size, 3);
        Assert.Equal(0, r.Rotation, 5);
        // The crop's top-left and bottom-right corners in the frame.
        Assert.Equal((390f, 150f), Round(r.ToFrame(0, 0)));
        Assert.Equal((890f, 650f), Round(r.ToFrame(1, 1)));
    }

    [Fact]
    public void LyingBodyIsTurnedSoTheScalePointIsUp()
    {
        // Scale point to the right of the hips: the body lies along +x, the crop turns by +90° (clockwise, as image y
        // points down) so its up direction points along +x in the frame.
        var r = PoseRegion.FromAlignmentPoints(500, 300, 600, 300);
        Assert.Equal(MathF.PI / 2, r.Rotation, 5);
        var (topX, topY) = r.ToFrame(0.5f, 0);
        Assert.Equal(500 + r.Size / 2, topX, 3);
        Assert.Equal(300, topY, 3);
        // Head down (scale point below the hips): rotation ±180°, the crop's top lies below the hips.
        var flipped = PoseRegion.FromAlignmentPoints(500, 300, 500, 400);
        Assert.Equal(MathF.PI, MathF.Abs(flipped.Rotation), 4);
        Assert.Equal(300 + flipped.Size / 2, flipped.ToFrame(0.5f, 0).Y, 3);
    }

    private static (float, float) Round((float X, float Y) p) => (MathF.Round(p.X, 3), MathF.Round(p.Y, 3));
}
