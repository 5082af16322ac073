namespace Synthstage.Pipeline;

/// <summary>
/// One frame's buffers as it moves through the pipeline. A fixed number of these circulate between the
/// stages and back to the pool, so memory stays flat however long the video is.
/// </summary>
public sealed class FrameWork
{
    internal FrameWork(int inputBytes, int maskValues, int outputBytes)
    {
        Input = new byte[inputBytes];
        Mask = new float[maskValues];
        Output = outputBytes == 0 ? Input : new byte[outputBytes];
    }

    /// <summary>Zero-based frame number in the input.</summary>
    public int Index { get; internal set; }

    /// <summary>The decoded frame, packed 8-bit rows.</summary>
    public byte[] Input { get; }

    /// <summary>The low-resolution mask for this frame.</summary>
    public float[] Mask { get; }

    /// <summary>The frame as it is handed to the encoder (may be <see cref="Input"/> itself).</summary>
    public byte[] Output { get; }
}
