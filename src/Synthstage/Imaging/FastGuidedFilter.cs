using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    private readonly float[] _bPlane, _ar, _ag, _ab, _maskGrid;
    private readonly ushort[] _rowSums, _blockSums;
    // Frame columns per grid cell when every cell has the same width (0 otherwise).
    private readonly int _uniformBlock;
    private readonly PixelCentreSampling _columns, _rows;
    // ā (per channel) and b̄ widened to the frame's columns, one row per grid row.
    private readonly float[] _wideR, _wideG, _wideB, _wideP;
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
        _uniformBlock = frameWidth == _gridWidth * subsample ? subsample : 0;
        // Padded so the shifted 16-lane reads of the block sums stay inside.
        _rowSums = new ushort[frameWidth * 3 + 3 * subsample + Vector256<ushort>.Count];
        _blockSums = new ushort[frameWidth * 3 + Vector256<ushort>.Count];
        _columns = new PixelCentreSampling(_gridWidth, frameWidth);
        _rows = new PixelCentreSampling(_gridHeight, frameHeight);
        (_wideR, _wideG, _wideB, _wideP) = (new float[_gridHeight * frameWidth], new float[_gridHeight * frameWidth],
            new float[_gridHeight * frameWidth], new float[_gridHeight * frameWidth]);
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
                if (_uniformBlock > 0 && (end - chunk) * _uniformBlock <= RowAccumulate.MaxUInt16Rows && Vector256.IsHardwareAccelerated)
                {
                    SumUniformBlocks(rowR, rowG, rowB, first);
                    continue;
                }
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

    // Block sums when every cell is s columns wide: t[i] = Σ_j<s sums[i + 3j] for all i by shifted 16-lane adds (at
    // most 257 rows × 255 per cell, so 16 bits hold them), then cell gx's channel c is t[3·s·gx + c]: the same integers.
    private void SumUniformBlocks(Span<float> rowR, Span<float> rowG, Span<float> rowB, bool first)
    {
        var s = _uniformBlock;
        var length = _frameWidth * 3;
        ref var sums = ref MemoryMarshal.GetArrayDataReference(_rowSums);
        ref var blocks = ref MemoryMarshal.GetArrayDataReference(_blockSums);
        for (var i = 0; i < length; i += Vector256<ushort>.Count)
        {
            var t = Vector256.LoadUnsafe(ref sums, (nuint)i);
            for (var j = 1; j < s; j++) t += Vector256.LoadUnsafe(ref sums, (nuint)(i + 3 * j));
            t.StoreUnsafe(ref blocks, (nuint)i);
        }
        var step = 3 * s;
        for (var gx = 0; gx < rowR.Length; gx++)
        {
            var k = gx * step;
            int r = _blockSums[k], g = _blockSums[k + 1], b = _blockSums[k + 2];
            if (first) (rowR[gx], rowG[gx], rowB[gx]) = (r, g, b);
            else (rowR[gx], rowG[gx], rowB[gx]) = (rowR[gx] + r, rowG[gx] + g, rowB[gx] + b);
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
        SolveCells(n);
        // Means of the coefficients; the frame bytes are 0..255, so a is scaled by 1/255 once here.
        _box.Apply(_ar, _rr);
        _box.Apply(_ag, _gg);
        _box.Apply(_ab, _bb);
        _box.Apply(_bPlane, _p);
        ConfineAndScale(n);
    }

    // a = (Σ + εU)⁻¹ cov(I, p) and b per cell, 8 cells at a time: lane by lane the same operations in the same order
    // as the scalar tail (no fused multiply-add), so the coefficients are the same floats.
    private void SolveCells(int n)
    {
        var eps = _epsilon;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var e = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var mr = Load(_mr, i);
                var mg = Load(_mg, i);
                var mb = Load(_mb, i);
                var mp = Load(_mp, i);
                var covR = Load(_mrp, i) - mr * mp;
                var covG = Load(_mgp, i) - mg * mp;
                var covB = Load(_mbp, i) - mb * mp;
                var srr = Load(_mrr, i) - mr * mr + e;
                var srg = Load(_mrg, i) - mr * mg;
                var srb = Load(_mrb, i) - mr * mb;
                var sgg = Load(_mgg, i) - mg * mg + e;
                var sgb = Load(_mgb, i) - mg * mb;
                var sbb = Load(_mbb, i) - mb * mb + e;
                var c00 = sgg * sbb - sgb * sgb;
                var c01 = sgb * srb - srg * sbb;
                var c02 = srg * sgb - sgg * srb;
                var c11 = srr * sbb - srb * srb;
                var c12 = srb * srg - srr * sgb;
                var c22 = srr * sgg - srg * srg;
                var invDet = Vector256<float>.One / (srr * c00 + srg * c01 + srb * c02);
                var ar = (c00 * covR + c01 * covG + c02 * covB) * invDet;
                var ag = (c01 * covR + c11 * covG + c12 * covB) * invDet;
                var ab = (c02 * covR + c12 * covG + c22 * covB) * invDet;
                var b = mp - ar * mr - ag * mg - ab * mb;
                // The mask is flat over the window (exactly, after shaping): a = 0, b = mean(p).
                var flat = Vector256.Equals(covR, Vector256<float>.Zero) & Vector256.Equals(covG, Vector256<float>.Zero)
                    & Vector256.Equals(covB, Vector256<float>.Zero);
                Vector256.ConditionalSelect(flat, Vector256<float>.Zero, ar).StoreUnsafe(ref Ref(_ar), (nuint)i);
                Vector256.ConditionalSelect(flat, Vector256<float>.Zero, ag).StoreUnsafe(ref Ref(_ag), (nuint)i);
                Vector256.ConditionalSelect(flat, Vector256<float>.Zero, ab).StoreUnsafe(ref Ref(_ab), (nuint)i);
                Vector256.ConditionalSelect(flat, mp, b).StoreUnsafe(ref Ref(_bPlane), (nuint)i);
            }
        }
        for (; i < n; i++)
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
    }

    // Confinement: where the whole window around a cell is background (or subject) in the mask, the output is too.
    // Otherwise ā, averaged over windows that straddle the edge, would copy the texture beside the subject (grass,
    // bark) into a faint fringe up to two radii out, which also shimmers from frame to frame. ā is left in _rr, _gg,
    // _bb (scaled by 1/255 for guide bytes), b̄ in _p.
    private void ConfineAndScale(int n)
    {
        const float inv255 = 1f / 255f, low = 1e-6f, high = 1 - 1e-6f;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var mp = Load(_mp, i);
                var empty = Vector256.LessThanOrEqual(mp, Vector256.Create(low));
                var flat = empty | Vector256.GreaterThanOrEqual(mp, Vector256.Create(high));
                var scale = Vector256.Create(inv255);
                Vector256.ConditionalSelect(flat, Vector256<float>.Zero, Load(_rr, i) * scale).StoreUnsafe(ref Ref(_rr), (nuint)i);
                Vector256.ConditionalSelect(flat, Vector256<float>.Zero, Load(_gg, i) * scale).StoreUnsafe(ref Ref(_gg), (nuint)i);
                Vector256.ConditionalSelect(flat, Vector256<float>.Zero, Load(_bb, i) * scale).StoreUnsafe(ref Ref(_bb), (nuint)i);
                Vector256.ConditionalSelect(flat, Vector256.ConditionalSelect(empty, Vector256<float>.Zero, Vector256<float>.One), Load(_p, i))
                    .StoreUnsafe(ref Ref(_p), (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            if (_mp[i] <= low || _mp[i] >= high)
            {
                _rr[i] = _gg[i] = _bb[i] = 0;
                _p[i] = _mp[i] <= low ? 0 : 1;
            }
            _rr[i] *= inv255;
            _gg[i] *= inv255;
            _bb[i] *= inv255;
        }
    }

    private static Vector256<float> Load(float[] plane, int index) => Vector256.LoadUnsafe(ref Ref(plane), (nuint)index);

    private static ref float Ref(float[] plane) => ref MemoryMarshal.GetArrayDataReference(plane);

    // Where the mask is flat over a window, cov(I, p) = 0 and so a = 0, and b = mean(p) is flat too: there q is a
    // constant. Only the columns near the matte's edges (a band a few windows wide) need the colour term, which keeps
    // the full-resolution pass close to the cost of bilinear enlargement (and lets the feather skip the rest).
    private void FindActiveColumns()
    {
        int gw = _gridWidth, gh = _gridHeight, n = gw * gh;
        // Windows where the mask varies (var = mean(p²) − mean(p)²); a and b vary only within one more window of
        // them, and ā, b̄ only there, so those cells (dilated by the box) are where the output may change.
        // (_rg and _rb are free by now; ā is in _rr, _gg, _bb.)
        TensorPrimitives.Multiply(_maskGrid, _maskGrid, _rg);
        _box.Apply(_rg, _rb);
        for (var i = 0; i < n; i++) _rg[i] = _rb[i] - _mp[i] * _mp[i] > 1e-6f ? 1f : 0f;
        _box.Apply(_rg, _rb);
        for (var i = 0; i < n; i++) _active[i] = _rb[i] > 0;
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
        for (var gy = 0; gy < _gridHeight; gy++)
        {
            int lo = _spanLo[gy], hi = _spanHi[gy];
            if (hi > lo)
            {
                Widen(_rr.AsSpan(gy * gw, gw), _columns, _wideR.AsSpan(gy * w, w), lo, hi);
                Widen(_gg.AsSpan(gy * gw, gw), _columns, _wideG.AsSpan(gy * w, w), lo, hi);
                Widen(_bb.AsSpan(gy * gw, gw), _columns, _wideB.AsSpan(gy * w, w), lo, hi);
            }
            Widen(_p.AsSpan(gy * gw, gw), _columns, _wideP.AsSpan(gy * w, w), 0, w);
        }
        for (var y = 0; y < _frameHeight; y++)
        {
            int i0 = _rows.Index0[y], i1 = _rows.Index1[y];
            var weight = _rows.Weight1[y];
            var dst = output.Slice(y * w, w);
            Lerp(_wideP.AsSpan(i0 * w, w), _wideP.AsSpan(i1 * w, w), weight, dst);
            // Runs of grid row i0 cover where ā is not zero in rows i0 and i0 + 1 (= i1, or i0 itself at the edges).
            var runs = _runs.AsSpan(i0 * (gw + 1), 2 * _runCount[i0]);
            (_changingFrom[y], _changingTo[y]) = runs.IsEmpty ? (0, 0) : (runs[0], runs[^1]);
            for (var r = 0; r < runs.Length; r += 2)
                AddColourTerm(frame, y * w, i0 * w, i1 * w, weight, runs[r], runs[r + 1], dst);
        }
    }

    // dst[x] += ā·I over frame columns [from, to) of the output row starting at pixel rowStart, ā blended between the
    // widened grid rows starting at top and bottom. Per pixel: ā = ā₀·(1 − w) + ā₁·w per channel, then
    // dst + ((āR·R + āG·G) + āB·B): the vector loop and the scalar tail do the same operations in the same order.
    private void AddColourTerm(ReadOnlySpan<byte> frame, int rowStart, int top, int bottom, float weight, int from, int to, Span<float> dst)
    {
        var keep = 1 - weight;
        ref var pixels = ref MemoryMarshal.GetReference(frame);
        ref var wr = ref Ref(_wideR);
        ref var wg = ref Ref(_wideG);
        ref var wb = ref Ref(_wideB);
        ref var q = ref MemoryMarshal.GetReference(dst);
        var x = from;
        if (Avx2.IsSupported)
        {
            // Eight pixels are 24 bytes: two 16-byte loads 12 bytes apart, each lane's four pixels spread to 32-bit lanes.
            var red = Spread(0);
            var green = Spread(1);
            var blue = Spread(2);
            var vKeep = Vector256.Create(keep);
            var vWeight = Vector256.Create(weight);
            // The second load reads 4 bytes past the eighth pixel: stop where that would leave the frame.
            var last = Math.Min(to, (frame.Length - 28) / 3 - rowStart + 1);
            for (; x + Vector256<float>.Count <= last; x += Vector256<float>.Count)
            {
                var offset = (nuint)(3 * (rowStart + x));
                var bytes = Vector256.Create(Vector128.LoadUnsafe(ref pixels, offset), Vector128.LoadUnsafe(ref pixels, offset + 12));
                var r = Avx.ConvertToVector256Single(Avx2.Shuffle(bytes, red).AsInt32());
                var g = Avx.ConvertToVector256Single(Avx2.Shuffle(bytes, green).AsInt32());
                var b = Avx.ConvertToVector256Single(Avx2.Shuffle(bytes, blue).AsInt32());
                var ar = Vector256.LoadUnsafe(ref wr, (nuint)(top + x)) * vKeep + Vector256.LoadUnsafe(ref wr, (nuint)(bottom + x)) * vWeight;
                var ag = Vector256.LoadUnsafe(ref wg, (nuint)(top + x)) * vKeep + Vector256.LoadUnsafe(ref wg, (nuint)(bottom + x)) * vWeight;
                var ab = Vector256.LoadUnsafe(ref wb, (nuint)(top + x)) * vKeep + Vector256.LoadUnsafe(ref wb, (nuint)(bottom + x)) * vWeight;
                (Vector256.LoadUnsafe(ref q, (nuint)x) + (ar * r + ag * g + ab * b)).StoreUnsafe(ref q, (nuint)x);
            }
        }
        for (; x < to; x++)
        {
            var p = 3 * (rowStart + x);
            var ar = _wideR[top + x] * keep + _wideR[bottom + x] * weight;
            var ag = _wideG[top + x] * keep + _wideG[bottom + x] * weight;
            var ab = _wideB[top + x] * keep + _wideB[bottom + x] * weight;
            dst[x] += ar * frame[p] + ag * frame[p + 1] + ab * frame[p + 2];
        }
    }

    private static void Widen(ReadOnlySpan<float> source, PixelCentreSampling taps, Span<float> destination) =>
        Widen(source, taps, destination, 0, destination.Length);

    private static void Widen(ReadOnlySpan<float> source, PixelCentreSampling taps, Span<float> destination, int from, int to)
    {
        var i0 = taps.Index0;
        var i1 = taps.Index1;
        var w1 = taps.Weight1;
        var x = from;
        if (Avx2.IsSupported)
            x = WidenGathered(source, i0, i1, w1, destination, from, to);
        for (; x < to; x++)
        {
            var a = source[i0[x]];
            destination[x] = a + (source[i1[x]] - a) * w1[x];
        }
    }

    // The scalar loop's a + (b − a)·w on eight taps at a time, the two source values gathered; returns where it stopped.
    private static unsafe int WidenGathered(ReadOnlySpan<float> source, int[] index0, int[] index1, float[] weight1, Span<float> destination, int from, int to)
    {
        var x = from;
        // The taps index into source; they were built for its length, checked here once instead of per value.
        if (source.Length < Extent(index1)) return from;
        fixed (float* values = source)
        fixed (int* first = index0, second = index1)
        fixed (float* weights = weight1)
        {
            for (; x + Vector256<float>.Count <= to; x += Vector256<float>.Count)
            {
                var a = Avx2.GatherVector256(values, Avx.LoadVector256(first + x), 4);
                var b = Avx2.GatherVector256(values, Avx.LoadVector256(second + x), 4);
                (a + (b - a) * Avx.LoadVector256(weights + x)).CopyTo(destination.Slice(x, Vector256<float>.Count));
            }
        }
        return x;

        static int Extent(int[] index) => index.Length == 0 ? 0 : index[^1] + 1;
    }

    // top·(1 − w) + bottom·w in one pass (TensorPrimitives' Multiply then MultiplyAdd, fused into one loop: the same
    // two products and sum per value, no fused multiply-add).
    private static void Lerp(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, float weight, Span<float> destination)
    {
        var keep = 1 - weight;
        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vKeep = Vector256.Create(keep);
            var vWeight = Vector256.Create(weight);
            ref var t = ref MemoryMarshal.GetReference(top);
            ref var b = ref MemoryMarshal.GetReference(bottom);
            ref var d = ref MemoryMarshal.GetReference(destination);
            var n = Math.Min(destination.Length, Math.Min(top.Length, bottom.Length));
            for (; x + Vector256<float>.Count <= n; x += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref t, (nuint)x) * vKeep + Vector256.LoadUnsafe(ref b, (nuint)x) * vWeight).StoreUnsafe(ref d, (nuint)x);
        }
        for (; x < destination.Length; x++) destination[x] = top[x] * keep + bottom[x] * weight;
    }

    // pshufb control picking byte 3k + channel of each 128-bit lane into the low byte of 32-bit lane k (0x80 zeroes).
    private static Vector256<byte> Spread(int channel)
    {
        Span<byte> control = stackalloc byte[32];
        control.Fill(0x80);
        for (var k = 0; k < 4; k++) control[4 * k] = control[16 + 4 * k] = (byte)(3 * k + channel);
        return Vector256.Create((ReadOnlySpan<byte>)control);
    }

    // Block boundaries of an area reduction from length to count cells: cell k covers [bounds[k], bounds[k+1]).
    private static int[] Blocks(int length, int count)
    {
        var bounds = new int[count + 1];
        for (var k = 0; k <= count; k++) bounds[k] = (int)((long)k * length / count);
        return bounds;
    }
}
