namespace Synthstage.Pose;

/// <summary>
/// MediaPipe's refinement of the regressed landmarks from the landmark model's heatmap (one 64×64 channel per
/// landmark, logits): each landmark moves to the confidence-weighted mean cell of the kernel×kernel window around it,
/// when the window's highest confidence reaches <see cref="MinConfidence"/>. As in MediaPipe, a cell stands for its
/// top-left corner (index / size), so refined positions match MediaPipe's own.
/// </summary>
public static class HeatmapLandmarkRefiner
{
    /// <summary>Window side in heatmap cells (MediaPipe's pose graph: 7).</summary>
    public const int KernelSize = 7;

    /// <summary>Lowest peak confidence in the window that moves a landmark (MediaPipe's default: 0.5).</summary>
    public const float MinConfidence = 0.5f;

    /// <summary>Refines the x and y of every landmark in place; returns how many moved.</summary>
    /// <param name="landmarks">Landmarks of <paramref name="stride"/> values each, x and y first, in units where the crop is <paramref name="cropSize"/> wide; the first landmarks of the heatmap's channels.</param>
    /// <param name="stride">Values per landmark.</param>
    /// <param name="cropSize">Crop side in the landmarks' units.</param>
    /// <param name="heatmap">size×size×channels logits (HWC: one channel per landmark, innermost).</param>
    /// <param name="size">Heatmap side in cells.</param>
    public static int Refine(Span<float> landmarks, int stride, float cropSize, ReadOnlySpan<float> heatmap, int size)
    {
        var count = landmarks.Length / stride;
        var channels = heatmap.Length / (size * size);
        if (heatmap.Length != size * size * channels || channels < count)
            throw new ArgumentException($"heatmap has {heatmap.Length} values; {size}×{size}×(at least {count}) expected", nameof(heatmap));
        const int offset = (KernelSize - 1) / 2;
        var moved = 0;
        for (var i = 0; i < count; i++)
        {
            var column = (int)MathF.Floor(landmarks[i * stride] / cropSize * size);
            var row = (int)MathF.Floor(landmarks[i * stride + 1] / cropSize * size);
            if (column < 0 || column >= size || row < 0 || row >= size) continue;
            float sum = 0, weightedColumn = 0, weightedRow = 0, peak = 0;
            for (var r = Math.Max(0, row - offset); r < Math.Min(size, row + offset + 1); r++)
            {
                for (var c = Math.Max(0, column - offset); c < Math.Min(size, column + offset + 1); c++)
                {
                    var confidence = 1f / (1f + MathF.Exp(-heatmap[(r * size + c) * channels + i]));
                    sum += confidence;
                    peak = MathF.Max(peak, confidence);
                    weightedColumn += c * confidence;
                    weightedRow += r * confidence;
                }
            }
            if (peak < MinConfidence || sum <= 0) continue;
            landmarks[i * stride] = weightedColumn / sum / size * cropSize;
            landmarks[i * stride + 1] = weightedRow / sum / size * cropSize;
            moved++;
        }
        return moved;
    }
}
