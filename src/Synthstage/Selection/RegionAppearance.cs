namespace Synthstage.Selection;

/// <summary>
/// The subject's colours (a 4×4×4-bin RGB histogram of its region, a running average over frames where it is in full
/// view), to know it again when it comes back into the frame and not take someone else; Bhattacharyya similarity.
/// </summary>
internal sealed class RegionAppearance
{
    private const int Bins = 64;
    private readonly float[] _weights = new float[Bins];
    private readonly float[] _measured = new float[Bins];

    public bool IsKnown { get; private set; }

    /// <summary>Blends the colours of the pixels where <paramref name="inRegion"/> holds <paramref name="label"/> in, at <paramref name="rate"/>.</summary>
    public void Blend(MaskColours colours, ReadOnlySpan<int> inRegion, int label, float rate)
    {
        if (!Measure(colours, inRegion, label, _measured)) return;
        for (var b = 0; b < Bins; b++) _weights[b] = IsKnown ? _weights[b] + (_measured[b] - _weights[b]) * rate : _measured[b];
        IsKnown = true;
    }

    /// <summary>How alike the region labelled <paramref name="label"/> looks (1 = the same colours; 0 when unknown).</summary>
    public float Similarity(MaskColours colours, ReadOnlySpan<int> labels, int label)
    {
        if (!IsKnown || !Measure(colours, labels, label, _measured)) return 0;
        float sum = 0;
        for (var b = 0; b < Bins; b++) sum += MathF.Sqrt(_weights[b] * _measured[b]);
        return sum;
    }

    public void Forget()
    {
        Array.Clear(_weights);
        IsKnown = false;
    }

    private static bool Measure(MaskColours colours, ReadOnlySpan<int> labels, int label, float[] histogram)
    {
        Array.Clear(histogram);
        var v = colours.Values;
        var total = 0;
        for (var i = 0; i < labels.Length; i += 2)
        {
            if (labels[i] != label) continue;
            histogram[Bin(v[i * 3]) * 16 + Bin(v[i * 3 + 1]) * 4 + Bin(v[i * 3 + 2])]++;
            total++;
        }
        if (total == 0) return false;
        for (var b = 0; b < Bins; b++) histogram[b] /= total;
        return true;
    }

    private static int Bin(float value) => Math.Clamp((int)(value / 64), 0, 3);
}
