namespace Synthstage.Pose;

/// <summary>
/// A person's colours: a 4×4×4-bin RGB histogram of the landmark crop weighted by the person's segmentation, so the
/// background around them counts little. Compared by the Bhattacharyya coefficient (1 = the same colours); tells two
/// people apart when a lost track is re-acquired, not the same person under changing light.
/// </summary>
public sealed class AppearanceHistogram
{
    private const int BinsPerChannel = 4;
    private const int Bins = BinsPerChannel * BinsPerChannel * BinsPerChannel;
    private readonly float[] _weights = new float[Bins];

    /// <summary>False until a crop was measured.</summary>
    public bool IsKnown { get; private set; }

    /// <summary>Measures a 256×256 crop (RGB 0..1, NHWC) weighted by <paramref name="probabilities"/>; every fourth pixel each way suffices.</summary>
    public static AppearanceHistogram Measure(ReadOnlySpan<float> crop, ReadOnlySpan<float> probabilities)
    {
        var histogram = new AppearanceHistogram();
        const int n = PoseLandmarkModel.InputSize;
        float total = 0;
        for (var y = 0; y < n; y += 4)
        for (var x = 0; x < n; x += 4)
        {
            var p = probabilities[y * n + x];
            if (p < 0.5f) continue;
            var i = (y * n + x) * 3;
            histogram._weights[Bin(crop[i]) * BinsPerChannel * BinsPerChannel + Bin(crop[i + 1]) * BinsPerChannel + Bin(crop[i + 2])] += p;
            total += p;
        }
        if (total <= 0) return histogram;
        for (var b = 0; b < Bins; b++) histogram._weights[b] /= total;
        histogram.IsKnown = true;
        return histogram;
    }

    /// <summary>Blends <paramref name="other"/> in with weight <paramref name="rate"/> (a running average over frames).</summary>
    public void Blend(AppearanceHistogram other, float rate)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other.IsKnown) return;
        if (!IsKnown)
        {
            other._weights.CopyTo(_weights, 0);
            IsKnown = true;
            return;
        }
        for (var b = 0; b < Bins; b++) _weights[b] += (other._weights[b] - _weights[b]) * rate;
    }

    /// <summary>Bhattacharyya coefficient: 1 for equal histograms, 0 for disjoint ones; 0.5 when either is unknown.</summary>
    public float Similarity(AppearanceHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!IsKnown || !other.IsKnown) return 0.5f;
        float sum = 0;
        for (var b = 0; b < Bins; b++) sum += MathF.Sqrt(_weights[b] * other._weights[b]);
        return sum;
    }

    private static int Bin(float value) => Math.Clamp((int)(value * BinsPerChannel), 0, BinsPerChannel - 1);
}
