using Synthstage.Imaging;

namespace Synthstage.Evaluation;

/// <summary>
/// Per-frame matte metrics on 8-bit alpha planes (0 = background, 255 = subject; values are read as 0..1). Scratch for
/// the boundary and flicker metrics is allocated once per frame size.
/// </summary>
/// <remarks>
/// Definitions: <b>IoU</b> of the mattes binarised at 0.5 (two empty mattes score 1). <b>Soft IoU</b> is MediaPipe's
/// Σab / (Σa² + Σb² − Σab). <b>Boundary F</b> follows DAVIS: the boundary of a binarised matte is its subject pixels
/// that have a background 4-neighbour; a predicted boundary pixel is correct when a true boundary pixel lies within
/// the tolerance (Euclidean, pixels), and the other way round for recall; F = 2PR / (P + R). <b>MAD</b> is the mean
/// absolute difference. <b>dtSSD</b> (Erofeev et al. 2015, as in RVM's evaluation) is
/// √(Σ((p_t − p_t−1) − (g_t − g_t−1))² / N). <b>Flicker</b> is the mean |a_t − a_t−1| over pixels farther than a band
/// from the boundary of either frame's binarised matte, so real motion of the subject's outline is not counted.
/// </remarks>
public sealed class MatteMetrics
{
    private readonly int _width, _height;
    private readonly bool[] _boundaryA, _boundaryB;
    private readonly float[] _distanceA, _distanceB;
    private readonly DistanceTransform _transform;

    /// <summary>Prepares scratch for width×height mattes.</summary>
    public MatteMetrics(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        _width = width;
        _height = height;
        _boundaryA = new bool[width * height];
        _boundaryB = new bool[width * height];
        _distanceA = new float[width * height];
        _distanceB = new float[width * height];
        _transform = new DistanceTransform(width, height);
    }

    /// <summary>DAVIS's boundary tolerance: 0.008 of the image diagonal, rounded up.</summary>
    public static float DavisTolerance(int width, int height) => MathF.Ceiling(0.008f * MathF.Sqrt((float)width * width + (float)height * height));

    /// <summary>Intersection over union of the mattes binarised at 0.5.</summary>
    public static double Iou(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth)
    {
        long both = 0, either = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            bool a = predicted[i] >= 128, b = truth[i] >= 128;
            if (a && b) both++;
            if (a || b) either++;
        }
        return either == 0 ? 1 : (double)both / either;
    }

    /// <summary>MediaPipe's soft IoU Σab / (Σa² + Σb² − Σab) with a, b in 0..1 (two empty mattes score 1).</summary>
    public static double SoftIou(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            double a = predicted[i], b = truth[i];
            ab += a * b;
            aa += a * a;
            bb += b * b;
        }
        var denominator = aa + bb - ab;
        return denominator == 0 ? 1 : ab / denominator;
    }

    /// <summary>Mean absolute difference, 0..1.</summary>
    public static double Mad(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth)
    {
        long sum = 0;
        for (var i = 0; i < truth.Length; i++) sum += Math.Abs(predicted[i] - truth[i]);
        return sum / (255.0 * truth.Length);
    }

    /// <summary>dtSSD between the predicted and true frame-to-frame changes, 0..1 units.</summary>
    public static double DtSsd(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> predictedPrevious, ReadOnlySpan<byte> truth, ReadOnlySpan<byte> truthPrevious)
    {
        double sum = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            double d = (predicted[i] - predictedPrevious[i]) - (truth[i] - truthPrevious[i]);
            sum += d * d;
        }
        return Math.Sqrt(sum / truth.Length) / 255.0;
    }

    /// <summary>Boundary F-measure with a tolerance of <paramref name="tolerance"/> pixels.</summary>
    public double BoundaryF(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth, float tolerance)
    {
        var predictedCount = Boundary(predicted, _boundaryA);
        var truthCount = Boundary(truth, _boundaryB);
        if (predictedCount == 0 && truthCount == 0) return 1;
        if (predictedCount == 0 || truthCount == 0) return 0;
        _transform.SquaredDistances(_boundaryB, _distanceB);
        _transform.SquaredDistances(_boundaryA, _distanceA);
        var limit = tolerance * tolerance;
        long matchedPredicted = 0, matchedTruth = 0;
        for (var i = 0; i < _boundaryA.Length; i++)
        {
            if (_boundaryA[i] && _distanceB[i] <= limit) matchedPredicted++;
            if (_boundaryB[i] && _distanceA[i] <= limit) matchedTruth++;
        }
        var precision = (double)matchedPredicted / predictedCount;
        var recall = (double)matchedTruth / truthCount;
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /// <summary>Mean |current − previous| (0..1) over pixels farther than <paramref name="band"/> pixels from either matte's boundary; NaN when no pixel is left.</summary>
    public double Flicker(ReadOnlySpan<byte> current, ReadOnlySpan<byte> previous, float band) =>
        Flickers(current, previous, band, null, default, 0).All;

    /// <summary>
    /// <see cref="Flicker"/> counted only where the picture itself did not move: pixels whose cell of
    /// <paramref name="motion"/> changed its mean luma by at most <paramref name="maxPictureChange"/> levels
    /// (<paramref name="pictureChange"/> as <see cref="PictureMotion.Next"/> wrote it for the current frame). A limb
    /// that sweeps further than the band in one frame changes the picture, so its path is left out as motion.
    /// </summary>
    public double StillFlicker(ReadOnlySpan<byte> current, ReadOnlySpan<byte> previous, float band,
        PictureMotion motion, ReadOnlySpan<float> pictureChange, float maxPictureChange) =>
        Flickers(current, previous, band, motion, pictureChange, maxPictureChange).Still;

    /// <summary>
    /// <see cref="Flicker"/>, <see cref="StillFlicker"/> and the sweep-free flicker in one pass (the edge distances are
    /// computed once). Sweep-free leaves out, besides the band, the pixels an outline swept:
    /// those that crossed half opacity between the frames in a cell where the picture moved too (a kicked leg that
    /// travels further than the band in one frame). Everything else still counts, holes that open where the picture
    /// is still included. Without <paramref name="motion"/> the still and sweep-free scores are NaN.
    /// </summary>
    public (double All, double Still, double SweepFree) Flickers(ReadOnlySpan<byte> current, ReadOnlySpan<byte> previous, float band,
        PictureMotion? motion, ReadOnlySpan<float> pictureChange, float maxPictureChange)
    {
        Boundary(current, _boundaryA);
        Boundary(previous, _boundaryB);
        _transform.SquaredDistances(_boundaryA, _distanceA);
        _transform.SquaredDistances(_boundaryB, _distanceB);
        var limit = band * band;
        long sum = 0, count = 0, stillSum = 0, stillCount = 0, unsweptSum = 0;
        for (var y = 0; y < _height; y++)
        {
            for (var x = 0; x < _width; x++)
            {
                var i = y * _width + x;
                if (_distanceA[i] <= limit || _distanceB[i] <= limit) continue;
                var change = Math.Abs(current[i] - previous[i]);
                sum += change;
                count++;
                if (motion is null) continue;
                if (pictureChange[motion.CellIndex(x, y)] <= maxPictureChange)
                {
                    stillSum += change;
                    stillCount++;
                    unsweptSum += change;
                }
                else if (current[i] >= 128 == previous[i] >= 128)
                {
                    unsweptSum += change;
                }
            }
        }
        // The sweep-free score keeps the band's denominator, so it is never above the plain score.
        return (Mean(sum, count), Mean(stillSum, stillCount), motion is null ? double.NaN : Mean(unsweptSum, count));

        static double Mean(long total, long n) => n == 0 ? double.NaN : total / (255.0 * n);
    }

    // Subject pixels (≥ 0.5) with a background 4-neighbour; pixels outside the frame do not count as background.
    private int Boundary(ReadOnlySpan<byte> matte, Span<bool> boundary)
    {
        int w = _width, h = _height, count = 0;
        if (matte.Length < w * h) throw new ArgumentException("matte is smaller than the size given at construction", nameof(matte));
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = y * w + x;
                var on = matte[i] >= 128 && (
                    (x > 0 && matte[i - 1] < 128) || (x < w - 1 && matte[i + 1] < 128) ||
                    (y > 0 && matte[i - w] < 128) || (y < h - 1 && matte[i + w] < 128));
                boundary[i] = on;
                if (on) count++;
            }
        }
        return count;
    }
}
