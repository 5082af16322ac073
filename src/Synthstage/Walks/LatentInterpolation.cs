using System.Numerics.Tensors;

namespace Synthstage.Walks;

/// <summary>
/// Interpolation of initial noise and text embeddings between two keyframes, as stable-diffusion-videos does it:
/// spherical (slerp) for noise, falling back to linear when the two are nearly parallel (|cos| &gt; 0.9995), linear for embeddings.
/// </summary>
public static class LatentInterpolation
{
    /// <summary>|cos θ| above which slerp is replaced by lerp (numerically unstable there).</summary>
    public const double ParallelThreshold = 0.9995;

    /// <summary>Spherical interpolation: sin((1−t)θ)/sin θ · v0 + sin(tθ)/sin θ · v1, θ the angle between v0 and v1.</summary>
    /// <param name="v0">Start (t = 0); returned exactly at t = 0.</param>
    /// <param name="v1">End (t = 1).</param>
    /// <param name="t">Position, 0..1.</param>
    /// <param name="destination">Receives the result; may not overlap the inputs.</param>
    public static void Slerp(ReadOnlySpan<float> v0, ReadOnlySpan<float> v1, float t, Span<float> destination)
    {
        CheckLengths(v0, v1, destination);
        if (t == 0f)
        {
            v0.CopyTo(destination);
            return;
        }
        double dot = 0, norm0 = 0, norm1 = 0;
        for (var i = 0; i < v0.Length; i++)
        {
            dot += (double)v0[i] * v1[i];
            norm0 += (double)v0[i] * v0[i];
            norm1 += (double)v1[i] * v1[i];
        }
        var cos = dot / Math.Sqrt(norm0 * norm1);
        if (!double.IsFinite(cos) || Math.Abs(cos) > ParallelThreshold)
        {
            Lerp(v0, v1, t, destination);
            return;
        }
        var theta = Math.Acos(cos);
        var sinTheta = Math.Sin(theta);
        var s0 = (float)(Math.Sin((1 - t) * theta) / sinTheta);
        var s1 = (float)(Math.Sin(t * theta) / sinTheta);
        TensorPrimitives.Multiply(v0, s0, destination);
        TensorPrimitives.MultiplyAdd(v1, s1, destination, destination);
    }

    /// <summary>Linear interpolation v0 + t·(v1 − v0); returns v0 exactly at t = 0.</summary>
    public static void Lerp(ReadOnlySpan<float> v0, ReadOnlySpan<float> v1, float t, Span<float> destination)
    {
        CheckLengths(v0, v1, destination);
        if (t == 0f)
        {
            v0.CopyTo(destination);
            return;
        }
        TensorPrimitives.Subtract(v1, v0, destination);
        TensorPrimitives.MultiplyAdd(destination, t, v0, destination);
    }

    private static void CheckLengths(ReadOnlySpan<float> v0, ReadOnlySpan<float> v1, Span<float> destination)
    {
        if (v0.Length != v1.Length || destination.Length != v0.Length)
            throw new ArgumentException($"lengths differ: {v0.Length}, {v1.Length} → {destination.Length}");
    }
}
