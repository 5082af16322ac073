using Synthstage.Evaluation;
using Synthstage.Imaging;

namespace Synthstage.Tests.Evaluation;

/// <summary>Metrics against values worked out by hand.</summary>
public class MatteMetricsTests
{
    [Fact]
    public void IouOfTwoHalfOverlappingMattesIsOneThird() =>
        Assert.Equal(1.0 / 3, MatteMetrics.Iou([255, 255, 0, 0], [255, 0, 255, 0]), 1e-12);

    [Fact]
    public void SoftIouIsMediaPipesRatio()
    {
        // a = (1, 0), b = (1, 1): Σab = 1, Σa² = 1, Σb² = 2 → 1 / (1 + 2 − 1).
        Assert.Equal(0.5, MatteMetrics.SoftIou([255, 0], [255, 255]), 1e-12);
        // a = (1, 0.2), b = (1, 1): 1.2 / (1.04 + 2 − 1.2).
        Assert.Equal(1.2 / 1.84, MatteMetrics.SoftIou([255, 51], [255, 255]), 1e-12);
        Assert.Equal(1, MatteMetrics.SoftIou([0, 0], [0, 0]));
    }

    [Fact]
    public void MadAndDtSsd()
    {
        Assert.Equal(0.4, MatteMetrics.Mad([0, 255, 51], [0, 0, 0]), 1e-12);
        // Predicted change (1, 0), true change (0, 0): √((1² + 0²) / 2).
        Assert.Equal(Math.Sqrt(0.5), MatteMetrics.DtSsd([255, 0], [0, 0], [0, 0], [0, 0]), 1e-12);
        // The same change in both: no temporal error.
        Assert.Equal(0, MatteMetrics.DtSsd([255, 10], [0, 10], [255, 0], [0, 0]), 1e-12);
    }

    [Fact]
    public void BoundaryFOfASquareShiftedByOnePixel()
    {
        const int w = 10, h = 10;
        var truth = Square(w, h, 2);
        var predicted = Square(w, h, 3);
        var metrics = new MatteMetrics(w, h);
        // 20 boundary pixels each; with no tolerance only the 5 + 5 shared pixels of the top and bottom rows match.
        Assert.Equal(0.5, metrics.BoundaryF(predicted, truth, 0), 1e-12);
        // Within 1 px every boundary pixel has a partner.
        Assert.Equal(1, metrics.BoundaryF(predicted, truth, 1), 1e-12);
        Assert.Equal(1, metrics.BoundaryF(truth, truth, 0), 1e-12);
        Assert.Equal(0, metrics.BoundaryF(new byte[w * h], truth, 5));
        Assert.Equal(12, MatteMetrics.DavisTolerance(1280, 720)); // ⌈0.008 · 1468.6⌉

        static byte[] Square(int w, int h, int left)
        {
            var m = new byte[w * h];
            for (var y = 2; y <= 7; y++)
                for (var x = left; x <= left + 5; x++) m[y * w + x] = 255;
            return m;
        }
    }

    [Fact]
    public void FlickerCountsOnlyPixelsBeyondTheBandAroundTheEdges()
    {
        const int w = 20, h = 20;
        var previous = new byte[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < 10; x++) previous[y * w + x] = 255;
        var current = (byte[])previous.Clone();
        current[10 * w + 17] = 51;  // 8 px from the edge column x = 9: counted
        var metrics = new MatteMetrics(w, h);
        // Pixels beyond 4 px of x = 9: x ≤ 4 and x ≥ 14, 11 columns × 20 rows; only (17, 10) changed, by 0.2.
        Assert.Equal(0.2 / 220, metrics.Flicker(current, previous, 4), 1e-12);
    }

    [Fact]
    public void StillFlickerLeavesOutCellsWhereThePictureMoved()
    {
        const int w = 20, h = 20;
        var previous = new byte[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < 10; x++) previous[y * w + x] = 255;
        var current = (byte[])previous.Clone();
        current[2 * w + 17] = 51;   // in the top-right cell, where the picture moves: not counted
        current[15 * w + 17] = 102; // in the bottom-right cell, where it is still: counted
        var motion = new PictureMotion(w, h, 2, 2);
        var change = new float[4];
        var frame = new byte[w * h * 3];
        motion.Next(frame, 3, change);
        for (var y = 0; y < 10; y++)
            for (var x = 10; x < 20; x++) frame[(y * w + x) * 3] = 200; // top-right cell turns red
        motion.Next(frame, 3, change);
        var metrics = new MatteMetrics(w, h);
        // Beyond 4 px of the edge: 11 columns; the still cells hold x ≤ 4 (rows 0..19) and x ≥ 14 (rows 10..19): 160 pixels.
        Assert.Equal(0.4 / 160, metrics.StillFlicker(current, previous, 4, motion, change, 2), 1e-12);
        Assert.Equal(0.6 / 220, metrics.Flicker(current, previous, 4), 1e-12);
    }

    // Three 20 px cells; the picture moves in the middle and right ones. The matte gains a block on the left (still
    // picture: a piece appearing from nowhere), a block on the right (moving picture: an edge that swept it) and a
    // faint change in the middle (moving picture, but no crossing of ½: a shimmer, not a sweep).
    [Fact]
    public void SweepFreeFlickerLeavesOutOnlyCrossingsWhereThePictureMoved()
    {
        const int w = 60, h = 20;
        var previous = new byte[w * h];
        var current = new byte[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < 15; x++) current[y * w + x] = 255;
            for (var x = 25; x < 35; x++) current[y * w + x] = 100;
            for (var x = 45; x < w; x++) current[y * w + x] = 255;
        }
        var motion = new PictureMotion(w, h, 3, 1);
        var change = new float[3];
        var frame = new byte[w * h * 3];
        motion.Next(frame, 3, change);
        for (var y = 0; y < h; y++)
            for (var x = 20; x < w; x++) frame[(y * w + x) * 3] = 200;
        motion.Next(frame, 3, change);
        var metrics = new MatteMetrics(w, h);

        var (all, still, sweepFree) = metrics.Flickers(current, previous, 4, motion, change, 2);

        // Outlines at x = 14 and x = 45; beyond 4 px of them: columns 0..9, 19..40 and 50..59, 840 pixels.
        Assert.Equal((200 * 255 + 200 * 100 + 200 * 255) / (255.0 * 840), all, 1e-12);
        Assert.Equal((200 * 255 + 200 * 100) / (255.0 * 840), sweepFree, 1e-12);
        Assert.Equal(200 / 220.0, still, 1e-12); // the left cell alone: columns 0..9 and 19
    }

    [Fact]
    public void DistanceTransformMatchesBruteForce()
    {
        const int w = 17, h = 11;
        var random = new Random(7);
        var map = Enumerable.Range(0, w * h).Select(_ => random.NextDouble() < 0.05).ToArray();
        map[5] = true;
        var distances = new float[w * h];
        new DistanceTransform(w, h).SquaredDistances(map, distances);
        for (var i = 0; i < w * h; i++)
        {
            var best = double.MaxValue;
            for (var j = 0; j < w * h; j++)
                if (map[j]) best = Math.Min(best, Math.Pow(i % w - j % w, 2) + Math.Pow(i / w - j / w, 2));
            Assert.Equal(best, distances[i], 1e-3);
        }
    }
}
