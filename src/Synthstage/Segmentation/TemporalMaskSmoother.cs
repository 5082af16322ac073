using System.Runtime.Intrinsics;

namespace Synthstage.Segmentation;

/// <summary>
/// MediaPipe's uncertainty-weighted temporal smoothing of consecutive person masks:
/// <c>out = new + (prev − new) · uncertainty(new) · ratio</c>, where <c>prev</c> is the previous output and
/// <c>uncertainty</c> is 1 at p = 0.5 and 0 at p = 0 or 1 (a degree-5 polynomial in (p − 0.5)²). Confident pixels
/// follow the network at once; uncertain ones are held to their history, which removes flicker without lag at
/// moving edges that the network sees clearly.
/// </summary>
/// <remarks>Stateful per video: call <see cref="Reset"/> before frames that do not follow the previous ones.</remarks>
public sealed class TemporalMaskSmoother
{
    // MediaPipe SegmentationSmoothingCalculator coefficients.
    private const float C1 = 5.68842f, C2 = -0.748699f, C3 = -57.8051f, C4 = 291.309f, C5 = -624.717f;

    private readonly float[] _previous;
    private bool _hasPrevious;

    /// <summary>Creates a smoother for masks of <paramref name="length"/> values.</summary>
    /// <param name="length">Values in one mask.</param>
    /// <param name="ratio">How strongly uncertain pixels keep the previous value (0 = off, 1 = fully).</param>
    /// <exception cref="SynthstageException">Ratio outside 0..1.</exception>
    public TemporalMaskSmoother(int length, float ratio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (ratio is < 0 or > 1 || float.IsNaN(ratio))
            throw new SynthstageException($"--smoothing must be between 0 and 1 (got {ratio})", ExitCodes.Usage);
        _previous = new float[length];
        Ratio = ratio;
    }

    /// <summary>The combine-with-previous ratio.</summary>
    public float Ratio { get; }

    /// <summary>Forgets the previous mask (a new video, or an unrelated frame).</summary>
    public void Reset() => _hasPrevious = false;

    /// <summary>Smooths <paramref name="mask"/> (probabilities in 0..1) in place against the previous output.</summary>
    public void Smooth(Span<float> mask)
    {
        if (mask.Length != _previous.Length) throw new ArgumentException($"mask has {mask.Length} values; expected {_previous.Length}", nameof(mask));
        var previous = _previous.AsSpan();
        if (!_hasPrevious || Ratio == 0)
        {
            mask.CopyTo(previous);
            _hasPrevious = true;
            return;
        }
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var n = Vector256<float>.Count;
            var half = Vector256.Create(0.5f);
            var one = Vector256.Create(1f);
            var ratio = Vector256.Create(Ratio);
            for (; i <= mask.Length - n; i += n)
            {
                var p = Vector256.Create((ReadOnlySpan<float>)mask.Slice(i, n));
                var prev = Vector256.Create((ReadOnlySpan<float>)previous.Slice(i, n));
                var t = p - half;
                var x = t * t;
                var poly = x * (Vector256.Create(C1) + x * (Vector256.Create(C2) + x * (Vector256.Create(C3) + x * (Vector256.Create(C4) + x * Vector256.Create(C5)))));
                var uncertainty = one - Vector256.Min(one, poly);
                var result = p + (prev - p) * (uncertainty * ratio);
                result.CopyTo(mask.Slice(i, n));
                result.CopyTo(previous.Slice(i, n));
            }
        }
        for (; i < mask.Length; i++) previous[i] = mask[i] = SmoothOne(mask[i], previous[i], Ratio);
    }

    /// <summary>The smoothing of one value, as MediaPipe computes it.</summary>
    public static float SmoothOne(float current, float previous, float ratio)
    {
        var t = current - 0.5f;
        var x = t * t;
        var uncertainty = 1f - MathF.Min(1f, x * (C1 + x * (C2 + x * (C3 + x * (C4 + x * C5)))));
        return current + (previous - current) * (uncertainty * ratio);
    }
}
