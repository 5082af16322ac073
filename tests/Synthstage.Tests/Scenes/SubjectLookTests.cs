using Synthstage.Compositing;

namespace Synthstage.Tests.Scenes;

/// <summary>sRGB tables, Oklab rows, linear-light blending, harmonisation and light wrap against direct formulas.</summary>
public sealed class SubjectLookTests
{
    [Fact]
    public void EveryCodeSurvivesTheLinearRoundTripAndTablesMatchTheCurve()
    {
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal((byte)code, SrgbLinearTables.Srgb(SrgbLinearTables.Linear((byte)code)));
            Assert.Equal(SrgbLinearTables.SrgbToLinear(code / 255.0), SrgbLinearTables.Linear((byte)code), 5);
        }
        Assert.Equal(0.2158605, SrgbLinearTables.Linear(128), 5);
        Assert.Equal(255, SrgbLinearTables.Srgb(1.5f));
        Assert.Equal(0, SrgbLinearTables.Srgb(-0.5f));
    }

    [Fact]
    public void OklabMatchesPublishedValuesAndRoundTrips()
    {
        var row = new OklabRow(4);
        byte[] rgb = [255, 255, 255, 255, 0, 0, 0, 0, 255, 0, 0, 0];
        var l = new float[4];
        var a = new float[4];
        var b = new float[4];
        row.FromRgb(rgb, l, a, b);
        Assert.Equal(1f, l[0], 3);
        Assert.Equal(0f, a[0], 3);
        Assert.Equal(0f, b[0], 3);
        // sRGB red and blue in Oklab (Ottosson's reference values).
        Assert.Equal((0.62796f, 0.22486f, 0.12585f), (l[1], a[1], b[1]), new Near(1e-3f));
        Assert.Equal((0.45201f, -0.03246f, -0.31153f), (l[2], a[2], b[2]), new Near(1e-3f));
        Assert.Equal(0f, l[3], 4);

        var random = new Random(5);
        var colours = new byte[3 * 4];
        var back = new byte[3 * 4];
        for (var trial = 0; trial < 200; trial++)
        {
            random.NextBytes(colours);
            row.FromRgb(colours, l, a, b);
            row.ToRgb(l, a, b, back);
            for (var i = 0; i < colours.Length; i++) Assert.InRange(back[i] - colours[i], -1, 1);
        }
    }

    [Fact]
    public void VectorisedCubeRootMatchesMathF()
    {
        var values = new float[1003];
        var random = new Random(9);
        for (var i = 0; i < values.Length; i++) values[i] = i < 3 ? new[] { 0f, -8f, 1e-12f }[i] : (float)(random.NextDouble() * 2 - 0.2);
        var roots = new float[values.Length];
        OklabRow.Cbrt(values, roots);
        for (var i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(roots[i] - MathF.Cbrt(values[i])) <= 2e-6f * Math.Max(1f, Math.Abs(roots[i])), $"cbrt({values[i]}) = {roots[i]}, expected {MathF.Cbrt(values[i])}");
    }

    [Fact]
    public void LinearLightBlendKeepsOpaqueAndClearPixelsAndMixesEdgesInLinearLight()
    {
        const int width = 40;
        var fg = new byte[width * 3];
        var bg = new byte[width * 3];
        var alpha = new byte[width];
        for (var x = 0; x < width; x++)
        {
            fg[x * 3] = fg[x * 3 + 1] = fg[x * 3 + 2] = (byte)(x * 6);
            bg[x * 3] = 255;
            bg[x * 3 + 1] = (byte)(255 - x * 6);
            alpha[x] = (byte)(x % 3 == 0 ? 255 : x % 3 == 1 ? 0 : 128);
        }
        var expectedFg = (byte[])fg.Clone();
        // In place, as the finisher runs it.
        new LinearLightBlend(width).BlendRgb(fg, bg, alpha, fg);
        for (var x = 0; x < width; x++)
            for (var c = 0; c < 3; c++)
            {
                var i = x * 3 + c;
                var expected = alpha[x] switch
                {
                    255 => expectedFg[i],
                    0 => bg[i],
                    _ => SrgbLinearTables.Srgb(SrgbLinearTables.Linear(bg[i]) + (SrgbLinearTables.Linear(expectedFg[i]) - SrgbLinearTables.Linear(bg[i])) * (128 / 255f)),
                };
                Assert.Equal(expected, fg[i]);
            }
        // Black at alpha 128/255 over white: linear 1 − 0.502 = 0.498 → sRGB 187, where the 8-bit blend gives 127.
        byte[] black = [0, 0, 0];
        new LinearLightBlend(1).BlendRgb(black, [255, 255, 255], [128], black);
        Assert.Equal(187, black[0]);
    }

    [Fact]
    public void HarmonizeMovesTheSubjectsOklabMeanToTheBackgroundsInsideTheMatteOnly()
    {
        const int width = 64, height = 32;
        var frame = new byte[width * height * 3];
        var plate = new byte[width * height * 3];
        var alpha = new byte[width * height];
        var random = new Random(3);
        for (var p = 0; p < width * height; p++)
        {
            // A cool, bright subject on the left half; a warm, dark plate.
            frame[p * 3] = (byte)random.Next(150, 190);
            frame[p * 3 + 1] = (byte)random.Next(180, 220);
            frame[p * 3 + 2] = (byte)random.Next(220, 250);
            plate[p * 3] = (byte)random.Next(120, 200);
            plate[p * 3 + 1] = (byte)random.Next(50, 90);
            plate[p * 3 + 2] = (byte)random.Next(10, 40);
            alpha[p] = (byte)(p % width < width / 2 ? 255 : 0);
        }
        var original = (byte[])frame.Clone();
        var harmonizer = new ColorHarmonizer(width, height, 1f);
        harmonizer.MeasureBackground(plate);
        harmonizer.Apply(frame, alpha);

        var before = MeanLab(original, alpha);
        var after = MeanLab(frame, alpha);
        var target = harmonizer.BackgroundStats;
        Assert.True(Math.Abs(after.L - target[0].Mean) < 0.01, $"L {after.L} vs {target[0].Mean} (was {before.L})");
        Assert.True(Math.Abs(after.A - target[1].Mean) < 0.01, $"a {after.A} vs {target[1].Mean} (was {before.A})");
        Assert.True(Math.Abs(after.B - target[2].Mean) < 0.01, $"b {after.B} vs {target[2].Mean} (was {before.B})");
        for (var p = 0; p < width * height; p++)
            if (alpha[p] == 0)
                Assert.True(original.AsSpan(p * 3, 3).SequenceEqual(frame.AsSpan(p * 3, 3)), $"pixel {p} outside the matte changed");

        // Half strength lands half-way (in Oklab).
        var half = (byte[])original.Clone();
        var halfHarmonizer = new ColorHarmonizer(width, height, 0.5f);
        halfHarmonizer.MeasureBackground(plate);
        halfHarmonizer.Apply(half, alpha);
        Assert.Equal((before.L + target[0].Mean) / 2, MeanLab(half, alpha).L, 2);
    }

    [Fact]
    public void LightWrapTintsTheEdgeAndLeavesTheCoreAndTheBackground()
    {
        const int width = 200, height = 100, maskWidth = 50, maskHeight = 25;
        var mask = new float[maskWidth * maskHeight];
        for (var y = 0; y < maskHeight; y++)
            for (var x = 0; x < maskWidth; x++)
                mask[y * maskWidth + x] = x >= 10 && x < 40 ? 1f : 0f;
        var alpha = new byte[width * height];
        using (var upsampler = new Synthstage.Imaging.MaskUpsampler(maskWidth, maskHeight, width, height)) upsampler.Upsample(mask, alpha);
        var frame = new byte[width * height * 3];
        for (var p = 0; p < width * height; p++) frame[p * 3 + 2] = 200;
        var original = (byte[])frame.Clone();
        var blurred = new byte[width * height * 3];
        for (var p = 0; p < width * height; p++) blurred[p * 3] = 250;

        using var wrap = new LightWrap(width, height, maskWidth, maskHeight, 1f);
        wrap.Apply(frame, blurred, alpha, mask);
        int Red(int x) => frame[(50 * width + x) * 3];
        Assert.True(Red(41) > 40, $"edge red {Red(41)}");
        Assert.True(Red(41) > Red(44) && Red(44) > Red(48), $"red falls off inward: {Red(41)}, {Red(44)}, {Red(48)}");
        Assert.Equal(0, Red(100));
        for (var p = 0; p < width * height; p++)
            if (alpha[p] == 0) Assert.True(original.AsSpan(p * 3, 3).SequenceEqual(frame.AsSpan(p * 3, 3)));
    }

    private static (float L, float A, float B) MeanLab(byte[] frame, byte[] alpha)
    {
        var width = alpha.Length;
        var row = new OklabRow(width);
        var l = new float[width];
        var a = new float[width];
        var b = new float[width];
        row.FromRgb(frame, l, a, b);
        double sl = 0, sa = 0, sb = 0, n = 0;
        for (var i = 0; i < width; i++)
        {
            if (alpha[i] == 0) continue;
            sl += l[i];
            sa += a[i];
            sb += b[i];
            n++;
        }
        return ((float)(sl / n), (float)(sa / n), (float)(sb / n));
    }

    private sealed class Near(float tolerance) : IEqualityComparer<(float, float, float)>
    {
        public bool Equals((float, float, float) x, (float, float, float) y) =>
            Math.Abs(x.Item1 - y.Item1) <= tolerance && Math.Abs(x.Item2 - y.Item2) <= tolerance && Math.Abs(x.Item3 - y.Item3) <= tolerance;

        public int GetHashCode((float, float, float) obj) => 0;
    }
}
