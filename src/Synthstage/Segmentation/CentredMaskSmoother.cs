using System.Runtime.Intrinsics;

namespace Synthstage.Segmentation;

/// <summary>
/// Two-sided temporal smoothing for offline renders: the mask of frame t is released once the masks of frames up to
/// t + <see cref="LookAhead"/> are in, and each uncertain pixel moves towards the mean of frames t − LookAhead …
/// t + LookAhead: <c>out = p + (mean − p) · uncertainty(p) · ratio</c>, with MediaPipe's uncertainty (1 at p = 0.5, 0 at
/// 0 or 1, see <see cref="TemporalMaskSmoother"/>). The window is centred on the frame, so an edge that moves keeps its
/// place instead of trailing as it does behind a one-sided filter, while noise that flips a pixel for a frame or two is
/// averaged out. Confident pixels follow the network at once. At the start and the end the window holds only the frames
/// there are.
/// </summary>
/// <remarks>Feed masks in order with <see cref="Accept"/>; <see cref="Release"/> writes the oldest unreleased one.
/// <see cref="Reset"/> forgets everything (between unrelated frames).</remarks>
public sealed class CentredMaskSmoother
{
    private readonly float[][] _ring;
    private readonly int _length;
    private long _accepted;
    private long _released;

    /// <summary>Creates a smoother for masks of <paramref name="length"/> values.</summary>
    /// <param name="length">Values in one mask.</param>
    /// <param name="lookAhead">Frames on each side of the released one (1 or more).</param>
    /// <param name="ratio">How far uncertain pixels move towards the window's mean (0 = off, 1 = all the way).</param>
    public CentredMaskSmoother(int length, int lookAhead, float ratio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookAhead, 1);
        if (ratio is < 0 or > 1 || float.IsNaN(ratio))
            throw new SynthstageException($"--smoothing must be between 0 and 1 (got {ratio})", ExitCodes.Usage);
        LookAhead = lookAhead;
        Ratio = ratio;
        _ring = new float[2 * lookAhead + 1][];
        for (var i = 0; i < _ring.Length; i++) _ring[i] = new float[length];
        _length = length;
    }

    /// <summary>Frames looked at on each side.</summary>
    public int LookAhead { get; }

    /// <summary>The pull towards the window's mean at a fully uncertain pixel.</summary>
    public float Ratio { get; }

    /// <summary>Masks accepted and not yet released.</summary>
    public int Pending => (int)(_accepted - _released);

    /// <summary>True when the oldest pending mask has its whole look-ahead (a stream may release it).</summary>
    public bool Ready => Pending > LookAhead;

    /// <summary>Forgets every mask.</summary>
    public void Reset()
    {
        _accepted = _released = 0;
    }

    /// <summary>Takes the next frame's mask (probabilities in 0..1).</summary>
    /// <exception cref="InvalidOperationException">More than <see cref="LookAhead"/> masks are pending: release one first.</exception>
    public void Accept(ReadOnlySpan<float> mask)
    {
        if (mask.Length != _length) throw new ArgumentException($"mask has {mask.Length} values; expected {_length}", nameof(mask));
        if (Pending > LookAhead) throw new InvalidOperationException("release the oldest mask before accepting another");
        mask.CopyTo(_ring[_accepted % _ring.Length]);
        _accepted++;
    }

    /// <summary>Writes the smoothed mask of the oldest pending frame into <paramref name="output"/>.</summary>
    /// <exception cref="InvalidOperationException">No mask is pending.</exception>
    public void Release(Span<float> output)
    {
        if (Pending == 0) throw new InvalidOperationException("no mask is pending");
        if (output.Length < _length) throw new ArgumentException($"output holds {output.Length} values; expected {_length}", nameof(output));
        var t = _released;
        // The ring holds frames max(0, accepted − ring) … accepted − 1; the window wants t − LookAhead … t + LookAhead.
        var first = Math.Max(0, _accepted - _ring.Length);
        var lo = Math.Max(first, t - LookAhead);
        var hi = Math.Min(_accepted - 1, t + LookAhead);
        // The window is summed afresh, in frame order, rather than kept as a running sum: a running sum carries rounding
        // from every frame since the start, so a render started part-way (a shard, a resume) would differ in the last bits.
        var scratch = output[.._length];
        _ring[lo % _ring.Length].CopyTo(scratch);
        for (var f = lo + 1; f <= hi; f++) Add(scratch, _ring[f % _ring.Length]);
        var inverse = 1f / (hi - lo + 1);
        var current = _ring[t % _ring.Length];
        Blend(current, scratch, inverse, Ratio);
        _released++;
    }

    // out = p + (mean − p) · u(p) · ratio, the mean arriving as a sum in out.
    private static void Blend(ReadOnlySpan<float> current, Span<float> output, float inverseCount, float ratio)
    {
        for (var i = 0; i < current.Length; i++)
        {
            var p = current[i];
            var t = p - 0.5f;
            var x = t * t;
            var uncertainty = 1f - MathF.Min(1f, x * (5.68842f + x * (-0.748699f + x * (-57.8051f + x * (291.309f + x * -624.717f)))));
            output[i] = p + (output[i] * inverseCount - p) * (uncertainty * ratio);
        }
    }

    private static void Add(Span<float> sum, ReadOnlySpan<float> values)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= sum.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.Create((ReadOnlySpan<float>)sum.Slice(i)) + Vector256.Create(values.Slice(i))).CopyTo(sum.Slice(i));
        for (; i < sum.Length; i++) sum[i] += values[i];
    }
}
