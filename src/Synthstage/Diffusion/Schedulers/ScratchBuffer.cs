namespace Synthstage.Diffusion.Schedulers;

/// <summary>Grows a scheduler's work buffer to the latent size once; later steps reuse it without allocating.</summary>
internal static class ScratchBuffer
{
    /// <summary>Returns <paramref name="buffer"/>, reallocated only when its length differs from <paramref name="length"/>.</summary>
    public static float[] Ensure(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
        {
            buffer = new float[length];
        }
        return buffer;
    }

    /// <summary>Sizes every slot of a history ring at once, so later steps of the run allocate nothing.</summary>
    public static void EnsureAll(float[]?[] ring, int length)
    {
        for (int i = 0; i < ring.Length; i++)
        {
            Ensure(ref ring[i], length);
        }
    }

    /// <summary>Throws unless the spans have the same length.</summary>
    public static void CheckLengths(int sample, int modelOutput, int destination)
    {
        if (modelOutput != sample || destination != sample)
        {
            throw new ArgumentException(
                $"modelOutput ({modelOutput}), sample ({sample}) and destination ({destination}) must have the same number of elements.");
        }
    }

    /// <summary><c>ScaleModelInput</c> of schedulers that feed the sample to the model unchanged.</summary>
    public static void CopyUnscaled(ReadOnlySpan<float> sample, Span<float> destination)
    {
        CheckLengths(sample.Length, sample.Length, destination.Length);
        sample.CopyTo(destination);
    }
}
