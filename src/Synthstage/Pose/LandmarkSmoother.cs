using System.Numerics;

namespace Synthstage.Pose;

/// <summary>
/// One Euro filters (<see cref="OneEuroFilter"/>) on every coordinate of a fixed set of points in pixels, scaled by
/// the object's size as MediaPipe's <c>LandmarksSmoothingCalculator</c> does: the speed that opens the filter is
/// measured in object sizes per second, so a small distant person is smoothed like a large near one.
/// </summary>
public sealed class LandmarkSmoother
{
    /// <summary>Object scales below this leave the points unfiltered (MediaPipe's <c>min_allowed_object_scale</c>).</summary>
    public const float MinObjectScale = 1e-6f;

    private readonly OneEuroFilter[] _filters;

    /// <summary>Filters for <paramref name="count"/> points (x, y and z each).</summary>
    public LandmarkSmoother(int count, OneEuroSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _filters = new OneEuroFilter[count * 3];
        for (var i = 0; i < _filters.Length; i++) _filters[i] = new OneEuroFilter(settings);
        Count = count;
    }

    /// <summary>Points filtered together.</summary>
    public int Count { get; }

    /// <summary>
    /// Filters <paramref name="points"/> (pixels; z in the same units) in place. <paramref name="objectScale"/> is the
    /// object's size in pixels (mean of its box's width and height); below <see cref="MinObjectScale"/> the points are
    /// left as they are and the filters keep their state.
    /// </summary>
    /// <returns>False when the points were left unfiltered.</returns>
    public bool Apply(Span<Vector3> points, float objectScale, double frequency)
    {
        if (points.Length != Count) throw new ArgumentException($"{points.Length} points; expected {Count}", nameof(points));
        if (!(objectScale >= MinObjectScale)) return false;
        var valueScale = 1.0 / objectScale;
        for (var i = 0; i < points.Length; i++)
        {
            ref var p = ref points[i];
            p.X = (float)_filters[3 * i].Apply(p.X, frequency, valueScale);
            p.Y = (float)_filters[3 * i + 1].Apply(p.Y, frequency, valueScale);
            p.Z = (float)_filters[3 * i + 2].Apply(p.Z, frequency, valueScale);
        }
        return true;
    }

    /// <summary>Forgets the history: the next points pass through.</summary>
    public void Reset()
    {
        foreach (var filter in _filters) filter.Reset();
    }
}
