namespace Synthstage.Pose;

/// <summary>
/// The SSD anchors of MediaPipe's pose detector, generated as MediaPipe's <c>SsdAnchorsCalculator</c> does from the
/// options published in <c>pose_detection_cpu.pbtxt</c>: 5 layers, strides 8/16/32/32/32, input 224×224, anchor
/// offset 0.5, aspect ratio 1.0 plus the interpolated scale (2 anchors per layer and cell), min/max scale
/// 0.1484375/0.75 and <c>fixed_anchor_size: true</c> — so every anchor is 1×1 and only its centre matters.
/// Layers with the same stride share one feature map: 28²·2 + 14²·2 + 7²·6 = 2254 anchors.
/// </summary>
internal static class PoseAnchors
{
    /// <summary>Detector input side in pixels.</summary>
    public const int InputSize = 224;

    /// <summary>Number of anchors (and detector output rows).</summary>
    public const int Count = 2254;

    private static readonly int[] Strides = [8, 16, 32, 32, 32];
    private const int AnchorsPerLayerAndCell = 2; // aspect ratio 1.0 and the interpolated-scale anchor
    private const float Offset = 0.5f;

    /// <summary>Anchor centres, x then y for each anchor, normalised to the 224×224 input, in output-row order.</summary>
    public static float[] Centres()
    {
        var centres = new float[Count * 2];
        var n = 0;
        for (var layer = 0; layer < Strides.Length;)
        {
            var last = layer;
            while (last < Strides.Length && Strides[last] == Strides[layer]) last++;
            var perCell = AnchorsPerLayerAndCell * (last - layer);
            var size = (InputSize + Strides[layer] - 1) / Strides[layer];
            for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            for (var a = 0; a < perCell; a++)
            {
                centres[n++] = (x + Offset) / size;
                centres[n++] = (y + Offset) / size;
            }
            layer = last;
        }
        if (n != centres.Length) throw new InvalidOperationException($"generated {n / 2} anchors; expected {Count}");
        return centres;
    }
}
