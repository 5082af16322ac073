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
        // Same hips, but the segmentation suddenly covers the subject out to column 29. The body ended at column 14;
        // the reach adds Reach columns, and the subject starts at 20.
        var body = SecondFrame(subjectFrom: 20, hipX0: 50, first: Body(5, 15), hipX1: 50, second: Body(5, 30));
        AssertRow(body, 5, 30, keptBefore: 20);
    }

    [Fact]
    public void SomeoneWalkingInFrontTakesTheSubjectAsFarAsTheirHipsMoved()
    {
        // Hips moved 50 frame pixels = 5 mask columns right: columns 10..19 are the moved body, and Reach beyond.
        var body = SecondFrame(subjectFrom: 15, hipX0: 100, first: Body(5, 15), hipX1: 150, second: Body(10, 30));
        AssertRow(body, 10, 30, keptBefore: 20 + OtherPersonReach.Reach);
    }

    [Fact]
    public void PixelsThatWereNotTheSubjectsAreLeftAsSegmented()
    {
        // The subject owned nothing (its columns would start past the last).
        var body = SecondFrame(subjectFrom: W, hipX0: 50, first: Body(5, 10), hipX1: 50, second: Body(5, 35));
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

    /// <summary>Person 1's body <paramref name="second"/> (limited in place) after <paramref name="first"/> in the frame before.</summary>
    private static float[] SecondFrame(int subjectFrom, float hipX0, float[] first, float hipX1, float[] second)
    {
        var reach = new OtherPersonReach();
        var owners = Owners(subjectFrom);
        reach.Limit(1, hipX0, 50, 0, first, owners, W, H, W * 10, H * 10);
        reach.Limit(1, hipX1, 50, 1, second, owners, W, H, W * 10, H * 10);
        return second;
    }

    /// <summary>Row 10 of <paramref name="body"/> keeps its 0.9 on columns [from, keptBefore) and is 0 on [keptBefore, to).</summary>
    private static void AssertRow(float[] body, int from, int to, int keptBefore)
    {
        for (var x = from; x < to; x++)
        {
            var expected = x < keptBefore ? 0.9f : 0f;
            Assert.True(body[10 * W + x] == expected, $"column {x}: {body[10 * W + x]}");
        }
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
