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

        // The target, measured here with a direct per-pixel loop: the plate's Oklab mean and deviation over the rows the
        // harmoniser documents it reads (every fourth row, every pixel weighted alike).
        var target = LabStats(plate, p => p / width % 4 == 0);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(target.Mean[c], harmonizer.BackgroundStats[c].Mean, 1e-4);
            Assert.Equal(target.Deviation[c], harmonizer.BackgroundStats[c].Deviation, 1e-4);
        }
        var before = LabStats(original, p => alpha[p] > 0);
        var after = LabStats(frame, p => alpha[p] > 0);
        for (var c = 0; c < 3; c++)
        {
            var channel = "Lab"[c];
            Assert.True(Math.Abs(after.Mean[c] - target.Mean[c]) < 0.01, $"{channel} mean {after.Mean[c]} vs {target.Mean[c]} (was {before.Mean[c]})");
            // The spread follows too where the ratio is inside the ½..2 the transfer allows.
            var ratio = target.Deviation[c] / before.Deviation[c];
            var expectedDeviation = before.Deviation[c] * Math.Clamp(ratio, 0.5, 2);
            Assert.True(Math.Abs(after.Deviation[c] - expectedDeviation) < 0.01, $"{channel} deviation {after.Deviation[c]} vs {expectedDeviation} (was {before.Deviation[c]})");
        }
        for (var p = 0; p < width * height; p++)
            if (alpha[p] == 0)
                Assert.True(original.AsSpan(p * 3, 3).SequenceEqual(frame.AsSpan(p * 3, 3)), $"pixel {p} outside the matte changed");

        // Half strength lands half-way (in Oklab).
        var half = (byte[])original.Clone();
        var halfHarmonizer = new ColorHarmonizer(width, height, 0.5f);
        halfHarmonizer.MeasureBackground(plate);
        halfHarmonizer.Apply(half, alpha);
        var halfway = LabStats(half, p => alpha[p] > 0);
        for (var c = 0; c < 3; c++)
            Assert.True(Math.Abs(halfway.Mean[c] - (before.Mean[c] + target.Mean[c]) / 2) < 0.005, $"{"Lab"[c]} mean at half strength {halfway.Mean[c]}, expected {(before.Mean[c] + target.Mean[c]) / 2}");
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

    /// <summary>Oklab mean and (population) standard deviation per channel over the pixels <paramref name="include"/> picks.</summary>
    private static (double[] Mean, double[] Deviation) LabStats(byte[] rgb, Func<int, bool> include)
    {
        double[] sum = new double[3], squares = new double[3];
        var n = 0;
        for (var p = 0; p < rgb.Length / 3; p++)
        {
            if (!include(p)) continue;
            var lab = Oklab(rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]);
            for (var c = 0; c < 3; c++)
            {
                sum[c] += lab[c];
                squares[c] += lab[c] * lab[c];
            }
            n++;
        }
        var mean = sum.Select(v => v / n).ToArray();
        return (mean, squares.Select((v, c) => Math.Sqrt(Math.Max(0, v / n - mean[c] * mean[c]))).ToArray());
    }

    /// <summary>Oklab of one sRGB colour, straight from the definitions (sRGB transfer curve, Ottosson's two matrices).</summary>
    private static double[] Oklab(byte r8, byte g8, byte b8)
    {
        static double Linear(byte v) => v / 255.0 <= 0.04045 ? v / 255.0 / 12.92 : Math.Pow((v / 255.0 + 0.055) / 1.055, 2.4);
        double r = Linear(r8), g = Linear(g8), b = Linear(b8);
        var l = Math.Cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
        var m = Math.Cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
        var s = Math.Cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
        return
        [
            0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s,
        ];
    }

    private sealed class Near(float tolerance) : IEqualityComparer<(float, float, float)>
    {
        public bool Equals((float, float, float) x, (float, float, float) y) =>
            Math.Abs(x.Item1 - y.Item1) <= tolerance && Math.Abs(x.Item2 - y.Item2) <= tolerance && Math.Abs(x.Item3 - y.Item3) <= tolerance;

        public int GetHashCode((float, float, float) obj) => 0;
    }
}
