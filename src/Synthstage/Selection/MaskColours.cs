using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Synthstage.Selection;

/// <summary>
/// The frame's colours at mask resolution (the mean of four samples inside each mask cell, so a mask pixel's colour
/// is not one noisy source pixel): what the colour-aware split and the subject's appearance read.
/// </summary>
internal sealed class MaskColours
{
    /// <summary>R, G, B per mask pixel, 0..255.</summary>
    public float[] Values { get; private set; } = [];

    /// <summary>Per mask column, the byte offsets of its two sample columns in a frame row.</summary>
    private int[] _columns = [];
    private (int FrameWidth, int MaskWidth) _columnsFor;

    public void Sample(ReadOnlySpan<byte> frame, int frameWidth, int frameHeight, int maskWidth, int maskHeight)
    {
        var n = maskWidth * maskHeight;
        if (Values.Length != n * 3) Values = new float[n * 3];
        var (sx, sy) = ((float)frameWidth / maskWidth, (float)frameHeight / maskHeight);
        if (_columnsFor != (frameWidth, maskWidth))
        {
            _columns = new int[2 * maskWidth];
            for (var mx = 0; mx < maskWidth; mx++)
            {
                _columns[2 * mx] = Math.Min(frameWidth - 1, (int)((mx + 0.25f) * sx)) * 3;
                _columns[2 * mx + 1] = Math.Min(frameWidth - 1, (int)((mx + 0.75f) * sx)) * 3;
            }
            _columnsFor = (frameWidth, maskWidth);
        }
        var stride = frameWidth * 3;
        var values = Values.AsSpan(0, n * 3);
        ReadOnlySpan<int> columns = _columns;
        for (var my = 0; my < maskHeight; my++)
        {
            var row0 = frame.Slice(Math.Min(frameHeight - 1, (int)((my + 0.25f) * sy)) * stride, stride);
            var row1 = frame.Slice(Math.Min(frameHeight - 1, (int)((my + 0.75f) * sy)) * stride, stride);
            var output = values.Slice(my * maskWidth * 3, maskWidth * 3);
            // Twelve byte reads per mask pixel: indexed through refs, as the column offsets were checked against the row when made.
            ref var top = ref MemoryMarshal.GetReference(row0);
            ref var bottom = ref MemoryMarshal.GetReference(row1);
            ref var o = ref MemoryMarshal.GetReference(output);
            for (var mx = 0; mx < maskWidth; mx++)
            {
                var (a, b) = ((nint)columns[2 * mx], (nint)columns[2 * mx + 1]);
                for (var ch = 0; ch < 3; ch++)
                    Unsafe.Add(ref o, 3 * mx + ch) = (Unsafe.Add(ref top, a + ch) + Unsafe.Add(ref top, b + ch) + Unsafe.Add(ref bottom, a + ch) + Unsafe.Add(ref bottom, b + ch)) * 0.25f;
            }
        }
    }

    /// <summary>
    /// How different two colours look: the channel differences plus twice the warm–cool difference (R − B), which
    /// tells a warm white table from a neutral white shirt where brightness does not.
    /// </summary>
    public float Difference(int i, int j)
    {
        var v = Values;
        var (dr, dg, db) = (v[i * 3] - v[j * 3], v[i * 3 + 1] - v[j * 3 + 1], v[i * 3 + 2] - v[j * 3 + 2]);
        return MathF.Abs(dr) + MathF.Abs(dg) + MathF.Abs(db) + 2 * MathF.Abs(dr - db);
    }

    /// <summary>As <see cref="Difference(int, int)"/> between pixel <paramref name="i"/> and a colour.</summary>
    public float Difference(int i, (float R, float G, float B) colour)
    {
        var v = Values;
        var (dr, dg, db) = (v[i * 3] - colour.R, v[i * 3 + 1] - colour.G, v[i * 3 + 2] - colour.B);
        return MathF.Abs(dr) + MathF.Abs(dg) + MathF.Abs(db) + 2 * MathF.Abs(dr - db);
    }
}
