namespace Synthstage.Segmentation;

/// <summary>A neural network that turns a frame into a low-resolution person mask.</summary>
public interface IPersonSegmenter : IDisposable
{
    /// <summary>Width of the mask this segmenter produces.</summary>
    int MaskWidth { get; }

    /// <summary>Height of the mask this segmenter produces.</summary>
    int MaskHeight { get; }

    /// <summary>Segments one frame.</summary>
    /// <param name="frame">Packed 8-bit RGB (3 channels) or RGBA (4 channels) rows.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="channels">3 or 4.</param>
    /// <param name="mask">MaskHeight×MaskWidth person probabilities in 0..1, row-major.</param>
    void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask);

    /// <summary>
    /// Forgets state carried from earlier frames (a recurrent model's memory, tracking): called before a frame that
    /// does not follow the previous one. Stateless segmenters need not implement it.
    /// </summary>
    void Reset()
    {
    }
}
