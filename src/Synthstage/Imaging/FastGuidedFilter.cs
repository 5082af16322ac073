using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Synthstage.Imaging;

/// <summary>
/// Enlarges a low-resolution mask to full resolution with a colour guided filter (He, Sun and Tang, "Guided Image
/// Filtering", 2013) whose guide is the full-resolution RGB frame, computed the fast way (He and Sun, "Fast Guided
/// Filter", 2015): the frame is area-averaged to a grid <see cref="Subsample"/>× smaller, the mask is resampled to
/// the same grid, the linear coefficients <c>a</c> (3 per pixel) and <c>b</c> are solved there, and only
/// <c>q = ā·I + b̄</c> is evaluated at full resolution with the coefficients bilinearly enlarged. Edges in the
/// output therefore follow edges in the frame (hair, fingers, a ball) while flat regions keep the mask's values.
/// </summary>
/// <remarks>All buffers are allocated at construction; <see cref="Filter"/> allocates nothing.</remarks>
public sealed class FastGuidedFilter
{
    private readonly int _frameWidth, _frameHeight, _gridWidth, _gridHeight;
    private readonly int[] _blockX, _blockY;
    private readonly PixelCentreSampling _maskColumns, _maskRows;
    private readonly float[] _maskWide;
    private readonly BoxFilter _box;
    private readonly float _epsilon;
    // Grid planes: guide (3), mask, products and their means, coefficients.
    private readonly float[] _r, _g, _b, _p, _rr, _rg, _rb, _gg, _gb, _bb, _rp, _gp, _bp;
    private readonly float[] _mr, _mg, _mb, _mp, _mrr, _mrg, _mrb, _mgg, _mgb, _mbb, _mrp, _mgp, _mbp;
    private readonly float[] _aInterleaved, _bPlane, _ar, _ag, _ab, _maskGrid;
    private readonly ushort[] _rowSums;
    private readonly PixelCentreSampling _columns3, _columns1, _rows;
    private readonly float[] _wideA, _wideB, _rowA, _rowI;
    // Per grid row: the frame columns where ā is widened, and runs of frame columns (start, end pairs) that need
    // the colour term because ā is not zero in this grid row or the next.
    private readonly int[] _spanLo, _spanHi, _runs, _runCount;
    private readonly bool[] _active, _eitherRow;
    private readonly int[] _changingFrom, _changingTo;

    /// <summary>Prepares the filter for one mask size and one frame size.</summary>
    /// <param name="maskWidth">Low-resolution mask width.</param>
    /// <param name="maskHeight">Low-resolution mask height.</param>
    /// <param name="frameWidth">Frame (and output) width.</param>
    /// <param name="frameHeight">Frame (and output) height.</param>
    /// <param name="radius">Window radius in full-resolution pixels.</param>
    /// <param name="epsilon">Regularisation on colour variance (guide in 0..1): larger keeps more of the mask, smaller follows the image more.</param>
    /// <param name="subsample">Grid reduction factor (≥ 1).</param>
    public FastGuidedFilter(int maskWidth, int maskHeight, int frameWidth, int frameHeight, int radius = 12, float epsilon = 1e-3f, int subsample = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subsample, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(radius, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        _frameWidth = frameWidth;
        _frameHeight = frameHeight;
        _gridWidth = Math.Max(1, (frameWidth + subsample / 2) / subsample);
        _gridHeight = Math.Max(1, (frameHeight + subsample / 2) / subsample);
        Subsample = subsample;
        Radius = radius;
        _epsilon = epsilon;
        _blockX = Blocks(frameWidth, _gridWidth);
        _blockY = Blocks(frameHeight, _gridHeight);
        _maskColumns = new PixelCentreSampling(maskWidth, _gridWidth);
        _maskRows = new PixelCentreSampling(maskHeight, _gridHeight);
        _maskWide = new float[maskHeight * _gridWidth];
        MaskWidth = maskWidth;
        MaskHeight = maskHeight;
        _box = new BoxFilter(_gridWidth, _gridHeight, Math.Max(1, (int)MathF.Round((float)radius / subsample)));
        var n = _gridWidth * _gridHeight;
        float[] Plane() => new float[n];
        (_r, _g, _b, _p, _rr, _rg, _rb, _gg, _gb, _bb, _rp, _gp, _bp) = (Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane());
        (_mr, _mg, _mb, _mp, _mrr, _mrg, _mrb, _mgg, _mgb, _mbb, _mrp, _mgp, _mbp) = (Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane(), Plane());
        (_ar, _ag, _ab, _bPlane, _maskGrid) = (Plane(), Plane(), Plane(), Plane(), Plane());
        _aInterleaved = new float[n * 3];
        _rowSums = new ushort[frameWidth * 3];
        _columns3 = new PixelCentreSampling(_gridWidth, frameWidth, 3);
        _columns1 = new PixelCentreSampling(_gridWidth, frameWidth);
        _rows = new PixelCentreSampling(_gridHeight, frameHeight);
        _wideA = new float[_gridHeight * frameWidth * 3];
        _wideB = new float[_gridHeight * frameWidth];
        _rowA = new float[frameWidth * 3];
        _rowI = new float[frameWidth * 3];
        _spanLo = new int[_gridHeight];
        _spanHi = new int[_gridHeight];
        _runs = new int[_gridHeight * (_gridWidth + 1)];
        _runCount = new int[_gridHeight];
        _active = new bool[_gridWidth * _gridHeight];
        _eitherRow = new bool[_gridWidth];
        _changingFrom = new int[frameHeight];
        _changingTo = new int[frameHeight];
    }

    /// <summary>Mask width.</summary>
    public int MaskWidth { get; }

    /// <summary>Mask height.</summary>
    public int MaskHeight { get; }

    /// <summary>Grid reduction factor.</summary>
    public int Subsample { get; }

    /// <summary>Window radius in full-resolution pixels.</summary>
    public int Radius { get; }

    /// <summary>
    /// Per output row of the last <see cref="Filter"/>, the first frame column where the output may vary; left of it
    /// and from <see cref="ChangingTo"/> on, the row is locally constant (the mask was flat there). Empty rows have from = to.
    /// </summary>
    public ReadOnlySpan<int> ChangingFrom => _changingFrom;

    /// <summary>Per output row, one past the last frame column where the output may vary (see <see cref="ChangingFrom"/>).</summary>
    public ReadOnlySpan<int> ChangingTo => _changingTo;

    /// <summary>Filters <paramref name="mask"/> guided by <paramref name="frame"/> into <paramref name="output"/>.</summary>
    /// <param name="frame">Packed RGB24 rows, frameWidth·3 bytes each.</param>
    /// <param name="mask">maskHeight×maskWidth values in 0..1.</param>
    /// <param name="output">frameHeight×frameWidth values, about 0..1 (not clamped).</param>
    public void Filter(ReadOnlySpan<byte> frame, ReadOnlySpan<float> mask, Span<float> output)
    {
        if (frame.Length < _frameWidth * _frameHeight * 3) throw new ArgumentException("frame is smaller than the size given at construction", nameof(frame));
        if (output.Length < _frameWidth * _frameHeight) throw new ArgumentException("output is smaller than the frame", nameof(output));
        if (mask.Length < MaskWidth * MaskHeight) throw new ArgumentException("mask is smaller than the size given at construction", nameof(mask));
        DownsampleGuide(frame);
        ResampleMask(mask);
        SolveCoefficients();
        FindActiveColumns();
        Evaluate(frame, output);
    }

    // 1. Area-average the frame onto the grid (guide in 0..1) and resample the mask to it. The block sums are exact
    // integers (16-bit row sums, in chunks that cannot overflow), so they equal float sums bit for bit.
    private void DownsampleGuide(ReadOnlySpan<byte> frame)
    {
        var stride = _frameWidth * 3;
        var sums = _rowSums.AsSpan();
        var gw = _gridWidth;
        for (var gy = 0; gy < _gridHeight; gy++)
        {
            int y0 = _blockY[gy], y1 = _blockY[gy + 1];
            var rowR = _r.AsSpan(gy * gw, gw);
            var rowG = _g.AsSpan(gy * gw, gw);
            var rowB = _b.AsSpan(gy * gw, gw);
            for (var chunk = y0; chunk < y1; chunk += RowAccumulate.MaxUInt16Rows)
            {
                sums.Clear();
                var end = Math.Min(y1, chunk + RowAccumulate.MaxUInt16Rows);
                for (var y = chunk; y < end; y++) RowAccumulate.Add(frame.Slice(y * stride, stride), sums);
                var first = chunk == y0;
                for (var gx = 0; gx < gw; gx++)
                {
                    int x0 = _blockX[gx], x1 = _blockX[gx + 1];
                    int r = 0, g = 0, b = 0;
                    for (var x = 3 * x0; x < 3 * x1; x += 3)
                    {
                        r += sums[x];
                        g += sums[x + 1];
                        b += sums[x + 2];
                    }
                    if (first) (rowR[gx], rowG[gx], rowB[gx]) = (r, g, b);
                    else (rowR[gx], rowG[gx], rowB[gx]) = (rowR[gx] + r, rowG[gx] + g, rowB[gx] + b);
                }
            }
            for (var gx = 0; gx < gw; gx++)
            {
                var scale = 1f / (255f * (_blockX[gx + 1] - _blockX[gx]) * (y1 - y0));
                rowR[gx] *= scale;
                rowG[gx] *= scale;
                rowB[gx] *= scale;
            }
        }
    }

    private void ResampleMask(ReadOnlySpan<float> mask)
    {
        var gw = _gridWidth;
        for (var y = 0; y < MaskHeight; y++)
            Widen(mask.Slice(y * MaskWidth, MaskWidth), _maskColumns, _maskWide.AsSpan(y * gw, gw));
        for (var gy = 0; gy < _gridHeight; gy++)
            Lerp(_maskWide.AsSpan(_maskRows.Index0[gy] * gw, gw), _maskWide.AsSpan(_maskRows.Index1[gy] * gw, gw), _maskRows.Weight1[gy], _maskGrid.AsSpan(gy * gw, gw));
    }

    // 2. Per-window statistics and the linear model a = (Σ + εU)⁻¹ cov(I, p), b = mean(p) − a·mean(I), then their means.
    private void SolveCoefficients()
    {
        var n = _gridWidth * _gridHeight;
        var p = _maskGrid.AsSpan(0, n);
        TensorPrimitives.Multiply(_r, _r, _rr);
        TensorPrimitives.Multiply(_r, _g, _rg);
        TensorPrimitives.Multiply(_r, _b, _rb);
        TensorPrimitives.Multiply(_g, _g, _gg);
        TensorPrimitives.Multiply(_g, _b, _gb);
        TensorPrimitives.Multiply(_b, _b, _bb);
        TensorPrimitives.Multiply(_r, p, _rp);
        TensorPrimitives.Multiply(_g, p, _gp);
        TensorPrimitives.Multiply(_b, p, _bp);
        _box.Apply(_r, _mr);
        _box.Apply(_g, _mg);
        _box.Apply(_b, _mb);
        _box.Apply(p, _mp);
        _box.Apply(_rr, _mrr);
        _box.Apply(_rg, _mrg);
        _box.Apply(_rb, _mrb);
        _box.Apply(_gg, _mgg);
        _box.Apply(_gb, _mgb);
        _box.Apply(_bb, _mbb);
        _box.Apply(_rp, _mrp);
        _box.Apply(_gp, _mgp);
        _box.Apply(_bp, _mbp);
        var eps = _epsilon;
        for (var i = 0; i < n; i++)
        {
            float mr = _mr[i], mg = _mg[i], mb = _mb[i], mp = _mp[i];
            var covR = _mrp[i] - mr * mp;
            var covG = _mgp[i] - mg * mp;
            var covB = _mbp[i] - mb * mp;
            if (covR == 0 && covG == 0 && covB == 0)
            {
                // The mask is flat over the window (exactly, after shaping): a = 0.
                _ar[i] = _ag[i] = _ab[i] = 0;
                _bPlane[i] = mp;
                continue;
            }
            var srr = _mrr[i] - mr * mr + eps;
            var srg = _mrg[i] - mr * mg;
            var srb = _mrb[i] - mr * mb;
            var sgg = _mgg[i] - mg * mg + eps;
            var sgb = _mgb[i] - mg * mb;
            var sbb = _mbb[i] - mb * mb + eps;
            // Inverse of the symmetric 3×3 covariance by cofactors.
            var c00 = sgg * sbb - sgb * sgb;
            var c01 = sgb * srb - srg * sbb;
            var c02 = srg * sgb - sgg * srb;
            var c11 = srr * sbb - srb * srb;
            var c12 = srb * srg - srr * sgb;
            var c22 = srr * sgg - srg * srg;
            var invDet = 1f / (srr * c00 + srg * c01 + srb * c02);
            var ar = (c00 * covR + c01 * covG + c02 * covB) * invDet;
            var ag = (c01 * covR + c11 * covG + c12 * covB) * invDet;
            var ab = (c02 * covR + c12 * covG + c22 * covB) * invDet;
            _ar[i] = ar;
            _ag[i] = ag;
            _ab[i] = ab;
            _bPlane[i] = mp - ar * mr - ag * mg - ab * mb;
        }
        // Means of the coefficients; the frame bytes are 0..255, so a is scaled by 1/255 once here.
        _box.Apply(_ar, _rr);
        _box.Apply(_ag, _gg);
        _box.Apply(_ab, _bb);
        _box.Apply(_bPlane, _p);
        const float inv255 = 1f / 255f;
        for (var i = 0; i < n; i++)
        {
            // Confinement: where the whole window around a cell is background (or subject) in the mask, the output
            // is too. Otherwise ā, averaged over windows that straddle the edge, would copy the texture beside the
            // subject (grass, bark) into a faint fringe up to two radii out, which also shimmers from frame to frame.
            if (_mp[i] <= 1e-6f || _mp[i] >= 1 - 1e-6f)
            {
                _rr[i] = _gg[i] = _bb[i] = 0;
                _p[i] = _mp[i] <= 1e-6f ? 0 : 1;
            }
            _aInterleaved[3 * i] = _rr[i] * inv255;
            _aInterleaved[3 * i + 1] = _gg[i] * inv255;
            _aInterleaved[3 * i + 2] = _bb[i] * inv255;
        }
    }

    // Where the mask is flat over a window, cov(I, p) = 0 and so a = 0, and b = mean(p) is flat too: there q is a
    // constant. Only the columns near the matte's edges (a band a few windows wide) need the colour term, which keeps
    // the full-resolution pass close to the cost of bilinear enlargement (and lets the feather skip the rest).
    private void FindActiveColumns()
    {
        int gw = _gridWidth, gh = _gridHeight, n = gw * gh;
        // Windows where the mask varies (var = mean(p²) − mean(p)²); a and b vary only within one more window of
        // them, and ā, b̄ only there, so those cells (dilated by the box) are where the output may change.
        TensorPrimitives.Multiply(_maskGrid, _maskGrid, _rr);
        _box.Apply(_rr, _gg);
        for (var i = 0; i < n; i++) _rr[i] = _gg[i] - _mp[i] * _mp[i] > 1e-6f ? 1f : 0f;
        _box.Apply(_rr, _gg);
        for (var i = 0; i < n; i++) _active[i] = _gg[i] > 0;
        var either = _eitherRow.AsSpan(0, gw);
        for (var gy = 0; gy < gh; gy++)
        {
            // Output rows between grid rows gy and gy + 1 read both; horizontal taps reach one cell to each side.
            var next = Math.Min(gh - 1, gy + 1);
            var here = _active.AsSpan(gy * gw, gw);
            var below = _active.AsSpan(next * gw, gw);
            for (var gx = 0; gx < gw; gx++) either[gx] = here[gx] | below[gx];
            var runs = _runs.AsSpan(gy * (gw + 1), gw + 1);
            var count = 0;
            var runStart = -1;
            for (var gx = 0; gx <= gw; gx++)
            {
                var on = gx < gw && (either[gx] || (gx > 0 && either[gx - 1]) || (gx + 1 < gw && either[gx + 1]));
                if (on && runStart < 0) runStart = gx;
                if (!on && runStart >= 0)
                {
                    runs[count++] = (int)((long)runStart * _frameWidth / gw);
                    runs[count++] = (int)Math.Min(_frameWidth, (long)gx * _frameWidth / gw + 1);
                    runStart = -1;
                }
            }
            _runCount[gy] = count / 2;
        }
        // ā is widened where this row's runs or the previous row's need it.
        for (var gy = 0; gy < gh; gy++)
        {
            int lo = _frameWidth, hi = 0;
            for (var k = Math.Max(0, gy - 1); k <= gy; k++)
            {
                if (_runCount[k] == 0) continue;
                lo = Math.Min(lo, _runs[k * (gw + 1)]);
                hi = Math.Max(hi, _runs[k * (gw + 1) + 2 * _runCount[k] - 1]);
            }
            (_spanLo[gy], _spanHi[gy]) = lo < hi ? (lo, hi) : (0, 0);
        }
    }

    // 3. q = ā·I + b̄ at full resolution: coefficients widened once per grid row, blended per output row.
    private void Evaluate(ReadOnlySpan<byte> frame, Span<float> output)
    {
        int w = _frameWidth, gw = _gridWidth;
        var wide3 = w * 3;
        for (var gy = 0; gy < _gridHeight; gy++)
        {
            int lo = _spanLo[gy], hi = _spanHi[gy];
            if (hi > lo)
                Widen(_aInterleaved.AsSpan(gy * gw * 3, gw * 3), _columns3, _wideA.AsSpan(gy * wide3, wide3), 3 * lo, 3 * hi);
            Widen(_p.AsSpan(gy * gw, gw), _columns1, _wideB.AsSpan(gy * w, w), 0, w);
        }
        var rowA = _rowA.AsSpan();
        var rowI = _rowI.AsSpan();
        for (var y = 0; y < _frameHeight; y++)
        {
            int i0 = _rows.Index0[y], i1 = _rows.Index1[y];
            var weight = _rows.Weight1[y];
            var dst = output.Slice(y * w, w);
            Lerp(_wideB.AsSpan(i0 * w, w), _wideB.AsSpan(i1 * w, w), weight, dst);
            // Runs of grid row i0 cover where ā is not zero in rows i0 and i0 + 1 (= i1, or i0 itself at the edges).
            var runs = _runs.AsSpan(i0 * (gw + 1), 2 * _runCount[i0]);
            (_changingFrom[y], _changingTo[y]) = runs.IsEmpty ? (0, 0) : (runs[0], runs[^1]);
            for (var r = 0; r < runs.Length; r += 2)
            {
                int lo = runs[r], n = runs[r + 1] - runs[r];
                var a = rowA.Slice(3 * lo, 3 * n);
                Lerp(_wideA.AsSpan(i0 * wide3 + 3 * lo, 3 * n), _wideA.AsSpan(i1 * wide3 + 3 * lo, 3 * n), weight, a);
                var guide = rowI.Slice(3 * lo, 3 * n);
                BytesToFloats(frame.Slice(y * wide3 + 3 * lo, 3 * n), guide);
                TensorPrimitives.Multiply(a, guide, a);
                var span = dst.Slice(lo, n);
                for (var x = 0; x < n; x++) span[x] += a[3 * x] + a[3 * x + 1] + a[3 * x + 2];
            }
        }
    }

    private static void Widen(ReadOnlySpan<float> source, PixelCentreSampling taps, Span<float> destination) =>
        Widen(source, taps, destination, 0, destination.Length);

    private static void Widen(ReadOnlySpan<float> source, PixelCentreSampling taps, Span<float> destination, int from, int to)
    {
        var i0 = taps.Index0;
        var i1 = taps.Index1;
        var w1 = taps.Weight1;
        for (var x = from; x < to; x++)
        {
            var a = source[i0[x]];
            destination[x] = a + (source[i1[x]] - a) * w1[x];
        }
    }

    private static void Lerp(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, float weight, Span<float> destination)
    {
        // top + (bottom − top)·w = top·(1 − w) + bottom·w
        TensorPrimitives.Multiply(top, 1 - weight, destination);
        TensorPrimitives.MultiplyAdd(bottom, weight, destination, destination);
    }

    internal static void BytesToFloats(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var n = Vector256<float>.Count;
            for (; i <= source.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(source.Slice(i, Vector256<byte>.Count)));
                var (a, b) = Vector256.Widen(low);
                var (c, d) = Vector256.Widen(high);
                Vector256.ConvertToSingle(a).CopyTo(destination.Slice(i, n));
                Vector256.ConvertToSingle(b).CopyTo(destination.Slice(i + n, n));
                Vector256.ConvertToSingle(c).CopyTo(destination.Slice(i + 2 * n, n));
                Vector256.ConvertToSingle(d).CopyTo(destination.Slice(i + 3 * n, n));
            }
        }
        for (; i < source.Length; i++) destination[i] = source[i];
    }

    // Block boundaries of an area reduction from length to count cells: cell k covers [bounds[k], bounds[k+1]).
    private static int[] Blocks(int length, int count)
    {
        var bounds = new int[count + 1];
        for (var k = 0; k <= count; k++) bounds[k] = (int)((long)k * length / count);
        return bounds;
    }
}
