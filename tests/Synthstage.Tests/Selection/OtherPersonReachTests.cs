using Synthstage.Selection;

namespace Synthstage.Tests.Selection;

/// <summary>
/// Another person's segmentation may take the subject's pixels only as far as their body can have moved since the
/// last frame: a walker covering the subject gradually takes them, a one-frame spill onto the subject beside them does
/// not, and pixels that were not the subject's are theirs wherever they are segmented.
/// </summary>
public sealed class OtherPersonReachTests
{
    private const int W = 40, H = 20;

    [Fact]
    public void ASpillOntoTheSubjectBeyondTheReachIsNotTheOtherPersons()
    {
        var reach = new OtherPersonReach();
        var owners = Owners(subjectFrom: 20);
        reach.Limit(1, 50, 50, 0, Body(5, 15), owners, W, H, W * 10, H * 10);
        // Same hips, but the segmentation suddenly covers the subject out to column 29.
        var body = Body(5, 30);
        reach.Limit(1, 50, 50, 1, body, owners, W, H, W * 10, H * 10);
        for (var x = 5; x < 30; x++)
        {
            // Column 14 is the body's last; the reach adds Reach columns, but the subject starts at 20.
            var expected = x < 20 ? 0.9f : 0f;
            Assert.True(body[10 * W + x] == expected, $"column {x}: {body[10 * W + x]}");
        }
    }

    [Fact]
    public void SomeoneWalkingInFrontTakesTheSubjectAsFarAsTheirHipsMoved()
    {
        var reach = new OtherPersonReach();
        var owners = Owners(subjectFrom: 15);
        reach.Limit(1, 100, 50, 0, Body(5, 15), owners, W, H, W * 10, H * 10);
        // Hips moved 50 frame pixels = 5 mask columns right: columns 10..19 are the moved body, +Reach beyond.
        var body = Body(10, 30);
        reach.Limit(1, 150, 50, 1, body, owners, W, H, W * 10, H * 10);
        for (var x = 10; x < 30; x++)
        {
            var expected = x < 20 + OtherPersonReach.Reach ? 0.9f : 0f;
            Assert.True(body[10 * W + x] == expected, $"column {x}: {body[10 * W + x]}");
        }
    }

    [Fact]
    public void PixelsThatWereNotTheSubjectsAreLeftAsSegmented()
    {
        var reach = new OtherPersonReach();
        var owners = new byte[W * H];
        reach.Limit(1, 50, 50, 0, Body(5, 10), owners, W, H, W * 10, H * 10);
        var body = Body(5, 35);
        reach.Limit(1, 50, 50, 1, body, owners, W, H, W * 10, H * 10);
        Assert.Equal(Body(5, 35), body);
    }

    [Fact]
    public void TheNextFrameReachesFromTheWholeSegmentationAndAGapOrAnotherIdStartsAfresh()
    {
        var reach = new OtherPersonReach();
        var owners = Owners(subjectFrom: 20);
        reach.Limit(1, 50, 50, 0, Body(5, 15), owners, W, H, W * 10, H * 10);
        var cut = Body(5, 30);
        reach.Limit(1, 50, 50, 1, cut, owners, W, H, W * 10, H * 10);
        Assert.Equal(0f, cut[10 * W + 25]);
        // Frame 2 reaches from frame 1's whole body (to column 29), so a limb is taken out one frame late, not never.
        var next = Body(5, 30);
        reach.Limit(1, 50, 50, 2, next, owners, W, H, W * 10, H * 10);
        Assert.Equal(Body(5, 30), next);
        // After a gap (frame 4 follows 2) nothing is known of where the body was: it is taken as segmented.
        var afterGap = Body(5, 38);
        reach.Limit(1, 50, 50, 4, afterGap, owners, W, H, W * 10, H * 10);
        Assert.Equal(Body(5, 38), afterGap);
        // Nor of a person seen for the first time.
        var stranger = Body(25, 38);
        reach.Limit(2, 50, 50, 5, stranger, owners, W, H, W * 10, H * 10);
        Assert.Equal(Body(25, 38), stranger);
        // Clear forgets every body (the tracker restarted).
        reach.Limit(1, 50, 50, 6, Body(5, 15), owners, W, H, W * 10, H * 10);
        reach.Clear();
        var cleared = Body(5, 30);
        reach.Limit(1, 50, 50, 7, cleared, owners, W, H, W * 10, H * 10);
        Assert.Equal(Body(5, 30), cleared);
    }

    /// <summary>A body of probability 0.9 over columns [from, to) of rows 2..17.</summary>
    private static float[] Body(int from, int to)
    {
        var body = new float[W * H];
        for (var y = 2; y < 18; y++)
        for (var x = from; x < to; x++) body[y * W + x] = 0.9f;
        return body;
    }

    /// <summary>The subject owned every column from <paramref name="subjectFrom"/> on.</summary>
    private static byte[] Owners(int subjectFrom)
    {
        var owners = new byte[W * H];
        for (var y = 0; y < H; y++)
        for (var x = subjectFrom; x < W; x++) owners[y * W + x] = GeodesicSplit.Subject;
        return owners;
    }
}
