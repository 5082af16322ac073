using System.Numerics.Tensors;

namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// Finds the watermark in one image or accumulates evidence over the frames of a video segment.
/// </summary>
/// <remarks>
/// <para>For every candidate scale each frame's luma is resampled to the marked original's scale and folded modulo the
/// tile (so any crop becomes a cyclic shift), Fourier transformed, and the phases of the watermark's ring of
/// frequencies are added up (phase-only whitening: every frequency and every frame counts the same, whatever the
/// picture's contrast). <see cref="Detect"/> correlates the accumulated phases with the key's sync template at every
/// cyclic shift at once (one inverse FFT), reads the coded bits at the best peaks, decodes them with a Viterbi
/// decoder and checks the CRC-16.</para>
/// <para>Under no watermark the accumulated phases are uniform and independent of the key, so each correlation is a
/// sum of independent cosines: this gives the false-alarm bound in <see cref="WatermarkDetection"/>.</para>
/// <para>Not thread-safe; allocation-free per frame once the frame size is known.</para>
/// </remarks>
public sealed class WatermarkDetector
{
    /// <summary>Scales tried by default: as marked, and the common downscales 3/4, 2/3 and 1/2.</summary>
    public static IReadOnlyList<double> DefaultScales { get; } = [1.0, 0.75, 2.0 / 3.0, 0.5];

    /// <summary>Synchronisation peaks examined per scale.</summary>
    public const int PeaksTried = 3;

    /// <summary>
    /// A sync peak lower than this (in standard deviations of the unmarked case) is not decoded. The highest of the
    /// 16 384 shifts of unmarked content is about 4σ; marked segments and images score 9–18σ after the attacks measured.
    /// </summary>
    public const double MinimumSyncScore = 5.0;

    private const int N = WatermarkLayout.TileSize;
    private readonly double[] _scales;
    private readonly ScaleState[] _states;
    private readonly int[] _band;
    private float[] _luma = [];
    private byte[] _pixels = [];

    /// <summary>Creates a detector.</summary>
    /// <param name="scales">Candidate sizes of the content relative to the marked original; default <see cref="DefaultScales"/>.</param>
    public WatermarkDetector(IReadOnlyList<double>? scales = null)
    {
        _scales = [.. scales ?? DefaultScales];
        if (_scales.Length == 0 || _scales.Any(s => !(s is > 0.1 and < 10)))
            throw new ArgumentOutOfRangeException(nameof(scales), "scales must be between 0.1 and 10");
        _states = _scales.Select(_ => new ScaleState()).ToArray();
        _band = WatermarkLayout.For(WatermarkKey.Default).Index.Order().ToArray();
    }

    /// <summary>Frames added since the last <see cref="Reset"/>.</summary>
    public int Frames { get; private set; }

    /// <summary>Forgets all evidence (start of a new segment).</summary>
    public void Reset()
    {
        foreach (var state in _states)
        {
            Array.Clear(state.SumRe);
            Array.Clear(state.SumIm);
        }
        Frames = 0;
    }

    /// <summary>Adds one frame's evidence.</summary>
    /// <param name="pixels">Packed RGB24 (3) or RGBA32 (4) rows, top first.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="bytesPerPixel">3 or 4.</param>
    public void AddFrame(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel = 3)
    {
        if (bytesPerPixel is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(bytesPerPixel));
        if (pixels.Length < width * height * bytesPerPixel) throw new ArgumentException("frame buffer too small", nameof(pixels));
        if (_luma.Length != width * height) _luma = new float[width * height];
        var luma = _luma;
        var sum = 0.0;
        for (int i = 0, p = 0; i < luma.Length; i++, p += bytesPerPixel)
        {
            var y = 0.2126f * pixels[p] + 0.7152f * pixels[p + 1] + 0.0722f * pixels[p + 2];
            luma[i] = y;
            sum += y;
        }
        var mean = (float)(sum / luma.Length);
        TensorPrimitives.Subtract(luma, mean, luma);
        // The strength estimates run beside the folds, one per scale, on a copy a lambda can hold.
        if (_pixels.Length != width * height * bytesPerPixel) _pixels = new byte[width * height * bytesPerPixel];
        pixels[.._pixels.Length].CopyTo(_pixels);
        var frame = _pixels;
        Parallel.For(0, _scales.Length, s =>
        {
            var state = _states[s];
            state.EstimateStrength(frame, width, height, bytesPerPixel, _scales[s]);
            Accumulate(state, luma, state.Strength, width, height, _scales[s]);
        });
        Frames++;
    }

    private void Accumulate(ScaleState state, float[] luma, float[] strength, int width, int height, double scale)
    {
        var sums = state.FoldSums;
        Array.Clear(sums);
        var weights = state.FoldWeights;
        Array.Clear(weights);
        var refWidth = scale == 1.0 ? width : (int)Math.Floor(width / scale);
        var refHeight = scale == 1.0 ? height : (int)Math.Floor(height / scale);
        if (width < 2 || height < 2 || refWidth < 2 || refHeight < 2) return;
        if (scale == 1.0)
        {
            for (var y = 0; y < height; y++)
            {
                AddFolded(sums.AsSpan(y % N * N, N), luma.AsSpan(y * width, width));
                AddFolded(weights.AsSpan(y % N * N, N), strength.AsSpan(y * width, width));
            }
        }
        else
        {
            state.PrepareColumns(width, refWidth, scale);
            if (state.Vertical.Length < width) state.Vertical = new float[width];
            if (state.Resampled.Length < refWidth) state.Resampled = new float[refWidth];
            var vertical = state.Vertical.AsSpan(0, width);
            var resampled = state.Resampled.AsSpan(0, refWidth);
            for (var y = 0; y < refHeight; y++)
            {
                var sy = Math.Clamp((y + 0.5) * scale - 0.5, 0, height - 1);
                var y0 = Math.Min((int)sy, Math.Max(0, height - 2));
                var y1 = Math.Min(y0 + 1, height - 1);
                ResampleRow(state, luma, width, y0, y1, (float)(sy - y0), vertical, resampled);
                AddFolded(sums.AsSpan(y % N * N, N), resampled);
                ResampleRow(state, strength, width, y0, y1, (float)(sy - y0), vertical, resampled);
                AddFolded(weights.AsSpan(y % N * N, N), resampled);
            }
        }
        // Dividing the folded luma by the folded strength undoes the embedder's spatial modulation: the mark's part
        // of the fold is the tile again, with no leakage between neighbouring frequencies, and the host's part
        // depends on the picture only, so the phases stay key-independent and the false-alarm bound holds.
        var fold = state.FoldRe;
        var im = state.FoldIm;
        Array.Clear(im);
        for (var k = 0; k < N * N; k++) fold[k] = weights[k] > 0 ? sums[k] / weights[k] : 0;
        state.Fft.Transform2D(fold, im, inverse: false);
        foreach (var k in _band)
        {
            var magnitude = Math.Sqrt(fold[k] * fold[k] + im[k] * im[k]);
            if (magnitude <= 0) continue;
            state.SumRe[k] += fold[k] / magnitude;
            state.SumIm[k] += im[k] / magnitude;
        }
    }

    /// <summary>Bilinear at pixel centres: first between two source rows (vectorised), then along the row.</summary>
    private static void ResampleRow(ScaleState state, float[] plane, int width, int y0, int y1, float fy, Span<float> vertical, Span<float> resampled)
    {
        var r0 = plane.AsSpan(y0 * width, width);
        TensorPrimitives.Subtract(plane.AsSpan(y1 * width, width), r0, vertical);
        TensorPrimitives.MultiplyAdd(vertical, fy, r0, vertical);
        var x0 = state.Column0;
        var fx = state.ColumnWeight;
        for (var x = 0; x < resampled.Length; x++)
            resampled[x] = vertical[x0[x]] + (vertical[x0[x] + 1] - vertical[x0[x]]) * fx[x];
    }

    /// <summary>Adds a row into one tile row, wrapping every N samples.</summary>
    private static void AddFolded(Span<float> tileRow, ReadOnlySpan<float> row)
    {
        var x = 0;
        for (; x + N <= row.Length; x += N) TensorPrimitives.Add(tileRow, row.Slice(x, N), tileRow);
        if (x < row.Length) TensorPrimitives.Add(tileRow[..(row.Length - x)], row[x..], tileRow[..(row.Length - x)]);
    }

    /// <summary>Looks for the watermark in the evidence gathered so far.</summary>
    /// <param name="key">The pattern key; <see cref="WatermarkKey.Default"/> for Synthstage's own marks.</param>
    public WatermarkDetection Detect(WatermarkKey? key = null)
    {
        var layout = WatermarkLayout.For(key ?? WatermarkKey.Default);
        WatermarkDetection? best = null;
        WatermarkDetection? strongestMiss = null;
        for (var s = 0; s < _scales.Length; s++)
        {
            var result = DetectAtScale(_states[s], layout, _scales[s]);
            if (result.Found)
            {
                if (best is null || result.SyncScore > best.SyncScore) best = result;
            }
            else if (strongestMiss is null || result.SyncScore > strongestMiss.SyncScore)
            {
                strongestMiss = result;
            }
        }
        return best ?? strongestMiss!;
    }

    private WatermarkDetection DetectAtScale(ScaleState state, WatermarkLayout layout, double scale)
    {
        var re = state.FoldRe;
        var im = state.FoldIm;
        Array.Clear(re);
        Array.Clear(im);
        var unitRe = state.UnitRe;
        var unitIm = state.UnitIm;
        for (var i = 0; i < layout.Count; i++)
        {
            var k = layout.Index[i];
            var magnitude = Math.Sqrt(state.SumRe[k] * state.SumRe[k] + state.SumIm[k] * state.SumIm[k]);
            unitRe[i] = magnitude > 0 ? state.SumRe[k] / magnitude : 0;
            unitIm[i] = magnitude > 0 ? state.SumIm[k] / magnitude : 0;
            if (layout.BitOf[i] >= 0) continue;
            // G = conj(U)·P on the sync bins and its mirror, so the inverse FFT is real and peaks at the crop offset.
            var gRe = unitRe[i] * layout.PhaseRe[i] + unitIm[i] * layout.PhaseIm[i];
            var gIm = unitRe[i] * layout.PhaseIm[i] - unitIm[i] * layout.PhaseRe[i];
            var (u, v) = (layout.U[i], layout.V[i]);
            var mirror = (N - v) % N * N + (N - u) % N;
            re[k] = gRe;
            im[k] = gIm;
            re[mirror] = gRe;
            im[mirror] = -gIm;
        }
        state.Fft.Transform2D(re, im, inverse: true);
        var sigma = Math.Sqrt(2.0 * layout.SyncCount);
        Span<int> peaks = stackalloc int[PeaksTried];
        FindPeaks(re, peaks);

        var soft = state.Soft;
        var message = state.Message;
        var bestScore = re[peaks[0]] / sigma;
        var missOffset = peaks[0];
        for (var p = 0; p < peaks.Length; p++)
        {
            var d = peaks[p];
            if (re[d] / sigma < MinimumSyncScore) break;
            int dx = d % N, dy = d / N;
            Array.Clear(soft);
            for (var i = layout.SyncCount; i < layout.Count; i++)
            {
                // Re(U · conj(P) · e^(−iθ)), θ = 2π(u·dx + v·dy)/N: the bin's agreement with a coded 1 at this shift.
                var theta = 2 * Math.PI * ((layout.U[i] * dx + layout.V[i] * dy) % N) / N;
                var (c, sn) = (Math.Cos(theta), -Math.Sin(theta));
                var aRe = unitRe[i] * layout.PhaseRe[i] + unitIm[i] * layout.PhaseIm[i];
                var aIm = unitIm[i] * layout.PhaseRe[i] - unitRe[i] * layout.PhaseIm[i];
                soft[layout.BitOf[i]] += aRe * c - aIm * sn;
            }
            ConvolutionalCode.Decode(soft, message);
            var crc = Crc16.OfBits(message.AsSpan(0, WatermarkLayout.PayloadBits));
            var ok = true;
            for (var b = 0; b < 16; b++) ok &= message[WatermarkLayout.PayloadBits + b] == ((crc >> (15 - b)) & 1);
            if (!ok) continue;
            uint payload = 0;
            for (var b = 0; b < WatermarkLayout.PayloadBits; b++) payload = (payload << 1) | message[b];
            var coded = layout.Encode(payload);
            var errors = 0;
            for (var b = 0; b < coded.Length; b++) errors += (soft[b] > 0) == (coded[b] == 1) ? 0 : 1;
            var score = re[d] / sigma;
            // Union bound over every shift whose sync value could reach this score, each passing the CRC with 2⁻¹⁶.
            var shifts = (double)N * N * UpperTail(score);
            var falseAlarm = _scales.Length * Math.Min(PeaksTried, shifts) / 65536.0;
            return new WatermarkDetection(true, payload, 1 - falseAlarm, falseAlarm, score, scale,
                (int)Math.Round(dx * 1.0), (int)Math.Round(dy * 1.0), errors, coded.Length, Frames);
        }
        return new WatermarkDetection(false, null, 0, 1, bestScore, scale, missOffset % N, missOffset / N, layout.CodedBits, layout.CodedBits, Frames);
    }

    private static void FindPeaks(double[] surface, Span<int> peaks)
    {
        peaks.Fill(-1);
        for (var p = 0; p < peaks.Length; p++)
        {
            var best = -1;
            for (var i = 0; i < surface.Length; i++)
            {
                if (best >= 0 && surface[i] <= surface[best]) continue;
                var taken = false;
                for (var q = 0; q < p; q++) taken |= IsNear(i, peaks[q]);
                if (!taken) best = i;
            }
            peaks[p] = best;
        }
    }

    private static bool IsNear(int a, int b)
    {
        var dx = Math.Abs(a % N - b % N);
        var dy = Math.Abs(a / N - b / N);
        return Math.Min(dx, N - dx) <= 1 && Math.Min(dy, N - dy) <= 1;
    }

    /// <summary>Q(z) = P(Z &gt; z) for a standard normal, via erfc.</summary>
    internal static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    // Numerical Recipes' erfc (fractional error < 1.2e-7), enough for a false-alarm bound.
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private sealed class ScaleState
    {
        public readonly double[] SumRe = new double[N * N];
        public readonly double[] SumIm = new double[N * N];
        public readonly double[] FoldRe = new double[N * N];
        public readonly double[] FoldIm = new double[N * N];
        public readonly float[] FoldSums = new float[N * N];
        public readonly float[] FoldWeights = new float[N * N];
        public float[] Vertical = [];
        public float[] Strength = [];
        private float[] _blockStrengths = [];
        private float[] _maskingScratch = [];
        private TextureMasking? _masking;

        /// <summary>
        /// The embedder's strength map as far as it can be told from the frame received: the same texture masking on
        /// this frame, with blocks shrunk by the candidate scale so they cover the embedder's (a re-encode or a resize
        /// changes the texture a little, and only the map's shape matters).
        /// </summary>
        public void EstimateStrength(byte[] pixels, int width, int height, int bytesPerPixel, double scale)
        {
            var blockSize = Math.Max(4, (int)Math.Round(TextureMasking.DefaultBlockSize * scale));
            if (_masking is null || Strength.Length != width * height || _masking.Width != width || _masking.BytesPerPixel != bytesPerPixel
                || _masking.BlockSize != blockSize)
            {
                _masking = new TextureMasking(width, height, bytesPerPixel, blockSize);
                Strength = new float[width * height];
                _blockStrengths = new float[_masking.Blocks];
                _maskingScratch = new float[_masking.ScratchFloats];
            }
            _masking.BlockStrengths(pixels, (float)WatermarkEmbedder.DefaultStrength, _blockStrengths, _maskingScratch);
            _masking.ExpandToPixels(_blockStrengths, Strength);
        }
        public float[] Resampled = [];
        public int[] Column0 = [];
        public float[] ColumnWeight = [];
        private (int Width, double Scale) _columnsFor;

        /// <summary>Source column and weight of each resampled column (bilinear at pixel centres), cached per frame width.</summary>
        public void PrepareColumns(int width, int refWidth, double scale)
        {
            if (_columnsFor == (width, scale) && Column0.Length == refWidth) return;
            Column0 = new int[refWidth];
            ColumnWeight = new float[refWidth];
            for (var x = 0; x < refWidth; x++)
            {
                var sx = Math.Clamp((x + 0.5) * scale - 0.5, 0, width - 1);
                var x0 = Math.Min((int)sx, Math.Max(0, width - 2));
                Column0[x] = x0;
                ColumnWeight[x] = width < 2 ? 0 : (float)(sx - x0);
            }
            _columnsFor = (width, scale);
        }
        public readonly double[] UnitRe = new double[N * N];
        public readonly double[] UnitIm = new double[N * N];
        public readonly double[] Soft = new double[ConvolutionalCode.CodedLength(WatermarkLayout.MessageBits)];
        public readonly byte[] Message = new byte[WatermarkLayout.MessageBits];
        public readonly Numerics.FourierTransform<double> Fft = new(N);
    }
}
