using System.Numerics.Tensors;

namespace Synthstage.Compositing;

/// <summary>
/// Moves the subject's colour statistics toward the background's in Oklab (Reinhard-style transfer): per channel,
/// <c>v' = μs + k·(μb − μs) + (v − μs)·(1 + k·(σb/σs − 1))</c> with strength k, the spread ratio limited to ½..2.
/// Subject statistics are alpha-weighted over the matte and smoothed over frames so the grade does not flicker;
/// only pixels with alpha &gt; 0 are changed.
/// </summary>
public sealed class ColorHarmonizer
{
    private const float Smoothing = 0.75f;
    private const int BackgroundRowStep = 4;

    private readonly int _width;
    private readonly int _height;
    private readonly float _strength;
    private readonly OklabRow _oklab;
    private readonly float[] _l;
    private readonly float[] _a;
    private readonly float[] _b;
    private readonly float[] _weights;
    private readonly float[] _rowScratch;
    private readonly ChannelStats[] _background = new ChannelStats[3];
    private readonly ChannelStats[] _subject = new ChannelStats[3];
    private bool _hasSubjectHistory;

    /// <summary>Prepares planar buffers for frames of width×height.</summary>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="strength">0..1.</param>
    public ColorHarmonizer(int width, int height, float strength)
    {
        _width = width;
        _height = height;
        _strength = strength;
        _oklab = new OklabRow(width);
        _l = new float[width * height];
        _a = new float[width * height];
        _b = new float[width * height];
        _weights = new float[width];
        _rowScratch = new float[width * 3];
    }

    /// <summary>Oklab mean and standard deviation of the background last measured (L, a, b).</summary>
    public IReadOnlyList<ChannelStats> BackgroundStats => _background;

    /// <summary>Measures the background plate (every fourth row, all pixels weighted alike).</summary>
    /// <param name="plate">RGB24 plate of the frame's size.</param>
    public void MeasureBackground(ReadOnlySpan<byte> plate)
    {
        var acc = new Accumulator();
        var l = _rowScratch.AsSpan(0, _width);
        var a = _rowScratch.AsSpan(_width, _width);
        var b = _rowScratch.AsSpan(2 * _width, _width);
        for (var y = 0; y < _height; y += BackgroundRowStep)
        {
            _oklab.FromRgb(plate.Slice(y * _width * 3, _width * 3), l, a, b);
            acc.AddUniform(l, a, b);
        }
        acc.Finish(_background);
    }

    /// <summary>Grades the subject pixels of <paramref name="frame"/> in place (alpha &gt; 0 only).</summary>
    /// <param name="frame">RGB24 frame.</param>
    /// <param name="alpha">The full-resolution matte, one byte per pixel.</param>
    public void Apply(Span<byte> frame, ReadOnlySpan<byte> alpha)
    {
        // 1. Oklab of the matte's rows, alpha-weighted statistics.
        var acc = new Accumulator();
        for (var y = 0; y < _height; y++)
        {
            if (!Span(alpha, y, out var x0, out var x1)) continue;
            var n = x1 - x0;
            var offset = y * _width + x0;
            var l = _l.AsSpan(offset, n);
            var a = _a.AsSpan(offset, n);
            var b = _b.AsSpan(offset, n);
            _oklab.FromRgb(frame.Slice(offset * 3, n * 3), l, a, b);
            var w = _weights.AsSpan(0, n);
            var row = alpha.Slice(offset, n);
            for (var i = 0; i < n; i++) w[i] = row[i];
            acc.AddWeighted(w, l, a, b);
        }
        if (acc.Weight < 255f * 16) return;
        Span<ChannelStats> measured = stackalloc ChannelStats[3];
        acc.Finish(measured);
        for (var c = 0; c < 3; c++)
            _subject[c] = _hasSubjectHistory ? ChannelStats.Lerp(measured[c], _subject[c], Smoothing) : measured[c];
        _hasSubjectHistory = true;

        // 2. Affine transfer per channel, then back to RGB for the matte's pixels.
        Span<float> scale = stackalloc float[3];
        Span<float> shift = stackalloc float[3];
        for (var c = 0; c < 3; c++)
        {
            var s = _subject[c];
            var bg = _background[c];
            var ratio = s.Deviation > 1e-4f ? Math.Clamp(bg.Deviation / s.Deviation, 0.5f, 2f) : 1f;
            scale[c] = 1 + _strength * (ratio - 1);
            // v' = v·scale + (μs + k(μb − μs) − μs·scale)
            shift[c] = s.Mean + _strength * (bg.Mean - s.Mean) - s.Mean * scale[c];
        }
        for (var y = 0; y < _height; y++)
        {
            if (!Span(alpha, y, out var x0, out var x1)) continue;
            var n = x1 - x0;
            var offset = y * _width + x0;
            var l = _l.AsSpan(offset, n);
            var a = _a.AsSpan(offset, n);
            var b = _b.AsSpan(offset, n);
            TensorPrimitives.Multiply(l, scale[0], l);
            TensorPrimitives.Add(l, shift[0], l);
            TensorPrimitives.Multiply(a, scale[1], a);
            TensorPrimitives.Add(a, shift[1], a);
            TensorPrimitives.Multiply(b, scale[2], b);
            TensorPrimitives.Add(b, shift[2], b);
            var rgb = frame.Slice(offset * 3, n * 3);
            // Pixels outside the matte inside the span keep their values: save them, convert, restore.
            var row = alpha.Slice(offset, n);
            if (row.IndexOf((byte)0) < 0)
            {
                _oklab.ToRgb(l, a, b, rgb);
                continue;
            }
            for (var start = 0; start < n;)
            {
                var skip = row[start..].IndexOfAnyExcept((byte)0);
                if (skip < 0) break;
                start += skip;
                var len = row[start..].IndexOf((byte)0);
                if (len < 0) len = n - start;
                _oklab.ToRgb(l.Slice(start, len), a.Slice(start, len), b.Slice(start, len), rgb.Slice(start * 3, len * 3));
                start += len;
            }
        }
    }

    private bool Span(ReadOnlySpan<byte> alpha, int y, out int x0, out int x1)
    {
        var row = alpha.Slice(y * _width, _width);
        x0 = row.IndexOfAnyExcept((byte)0);
        x1 = x0 < 0 ? -1 : row.LastIndexOfAnyExcept((byte)0) + 1;
        return x0 >= 0;
    }

    /// <summary>Mean and standard deviation of one Oklab channel.</summary>
    /// <param name="Mean">Mean.</param>
    /// <param name="Deviation">Standard deviation.</param>
    public readonly record struct ChannelStats(float Mean, float Deviation)
    {
        internal static ChannelStats Lerp(ChannelStats now, ChannelStats before, float keep) =>
            new(now.Mean + (before.Mean - now.Mean) * keep, now.Deviation + (before.Deviation - now.Deviation) * keep);
    }

    private struct Accumulator
    {
        private double _sumL, _sumA, _sumB, _sqL, _sqA, _sqB;

        public double Weight { get; private set; }

        public void AddUniform(ReadOnlySpan<float> l, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            Weight += l.Length;
            _sumL += TensorPrimitives.Sum(l);
            _sumA += TensorPrimitives.Sum(a);
            _sumB += TensorPrimitives.Sum(b);
            _sqL += TensorPrimitives.SumOfSquares(l);
            _sqA += TensorPrimitives.SumOfSquares(a);
            _sqB += TensorPrimitives.SumOfSquares(b);
        }

        public void AddWeighted(ReadOnlySpan<float> w, ReadOnlySpan<float> l, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            Weight += TensorPrimitives.Sum(w);
            Add(w, l, ref _sumL, ref _sqL);
            Add(w, a, ref _sumA, ref _sqA);
            Add(w, b, ref _sumB, ref _sqB);
        }

        private static void Add(ReadOnlySpan<float> w, ReadOnlySpan<float> v, ref double sum, ref double squares)
        {
            Span<float> wv = stackalloc float[256];
            for (var i = 0; i < v.Length; i += wv.Length)
            {
                var n = Math.Min(wv.Length, v.Length - i);
                TensorPrimitives.Multiply(w.Slice(i, n), v.Slice(i, n), wv[..n]);
                sum += TensorPrimitives.Sum(wv[..n]);
                squares += TensorPrimitives.Dot(wv[..n], v.Slice(i, n));
            }
        }

        public readonly void Finish(Span<ChannelStats> stats)
        {
            var w = Math.Max(Weight, 1e-9);
            stats[0] = Stats(_sumL, _sqL, w);
            stats[1] = Stats(_sumA, _sqA, w);
            stats[2] = Stats(_sumB, _sqB, w);
        }

        private static ChannelStats Stats(double sum, double squares, double weight)
        {
            var mean = sum / weight;
            return new ChannelStats((float)mean, (float)Math.Sqrt(Math.Max(0, squares / weight - mean * mean)));
        }
    }
}
