namespace Synthstage.Selection;

/// <summary>
/// The frame's colours at mask resolution (the mean of four samples inside each mask cell, so a mask pixel's colour
/// is not one noisy source pixel): what the colour-aware split and the subject's appearance read.
/// </summary>
internal sealed class MaskColours
{
    /// <summary>R, G, B per mask pixel, 0..255.</summary>
    public float[] Values { get; private set; } = [];

    public void Sample(ReadOnlySpan<byte> frame, int frameWidth, int frameHeight, int maskWidth, int maskHeight)
    {
        var n = maskWidth * maskHeight;
        if (Values.Length != n * 3) Values = new float[n * 3];
        var (sx, sy) = ((float)frameWidth / maskWidth, (float)frameHeight / maskHeight);
        for (var my = 0; my < maskHeight; my++)
        {
            var y0 = Math.Min(frameHeight - 1, (int)((my + 0.25f) * sy));
            var y1 = Math.Min(frameHeight - 1, (int)((my + 0.75f) * sy));
            for (var mx = 0; mx < maskWidth; mx++)
            {
                var x0 = Math.Min(frameWidth - 1, (int)((mx + 0.25f) * sx));
                var x1 = Math.Min(frameWidth - 1, (int)((mx + 0.75f) * sx));
                var (a, b, c, d) = ((y0 * frameWidth + x0) * 3, (y0 * frameWidth + x1) * 3, (y1 * frameWidth + x0) * 3, (y1 * frameWidth + x1) * 3);
                var o = (my * maskWidth + mx) * 3;
                for (var ch = 0; ch < 3; ch++) Values[o + ch] = (frame[a + ch] + frame[b + ch] + frame[c + ch] + frame[d + ch]) * 0.25f;
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
