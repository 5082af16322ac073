namespace Synthstage.Evaluation;

/// <summary>
/// Exact Euclidean distance transform (Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled Functions",
/// 2012): for every pixel, the squared distance to the nearest set pixel of a binary map, in two 1-D passes.
/// </summary>
public sealed class DistanceTransform
{
    private const float Infinity = 1e12f;
    private readonly int _width, _height;
    private readonly float[] _f, _d, _z;
    private readonly int[] _v;

    /// <summary>Prepares scratch for width×height maps.</summary>
    public DistanceTransform(int width, int height)
    {
        _width = width;
        _height = height;
        var n = Math.Max(width, height);
        _f = new float[n];
        _d = new float[n];
        _z = new float[n + 1];
        _v = new int[n];
    }

    /// <summary>Writes the squared distance from each pixel to the nearest <c>true</c> pixel of <paramref name="map"/> (1e12 or more when there is none).</summary>
    public void SquaredDistances(ReadOnlySpan<bool> map, Span<float> distances)
    {
        int w = _width, h = _height;
        for (var i = 0; i < w * h; i++) distances[i] = map[i] ? 0 : Infinity;
        for (var x = 0; x < w; x++)
        {
            for (var y = 0; y < h; y++) _f[y] = distances[y * w + x];
            Transform1D(h);
            for (var y = 0; y < h; y++) distances[y * w + x] = _d[y];
        }
        for (var y = 0; y < h; y++)
        {
            distances.Slice(y * w, w).CopyTo(_f);
            Transform1D(w);
            _d.AsSpan(0, w).CopyTo(distances.Slice(y * w, w));
        }
    }

    // Lower envelope of the parabolas (q − p)² + f(p); "no pixel" is a large finite value so the arithmetic stays exact.
    private void Transform1D(int n)
    {
        var k = 0;
        _v[0] = 0;
        _z[0] = float.NegativeInfinity;
        _z[1] = float.PositiveInfinity;
        for (var q = 1; q < n; q++)
        {
            var s = Intersection(q, _v[k]);
            while (s <= _z[k])
            {
                k--;
                s = Intersection(q, _v[k]);
            }
            k++;
            _v[k] = q;
            _z[k] = s;
            _z[k + 1] = float.PositiveInfinity;
        }
        k = 0;
        for (var q = 0; q < n; q++)
        {
            while (_z[k + 1] < q) k++;
            var p = _v[k];
            _d[q] = Math.Min(Infinity, (float)(q - p) * (q - p) + _f[p]);
        }
    }

    private float Intersection(int q, int p) => (float)(((double)_f[q] + (double)q * q - ((double)_f[p] + (double)p * p)) / (2.0 * (q - p)));
}
