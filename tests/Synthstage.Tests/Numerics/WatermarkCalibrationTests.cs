using System.Globalization;
using System.Security.Cryptography;
using Synthstage.Provenance.Watermarking;
using Synthstage.Tests.Provenance;

namespace Synthstage.Tests.Numerics;

/// <summary>
/// Pins the watermark's numbers to what they were before the watermark's FFT became the shared
/// <c>Numerics/FourierTransform</c>: the embedded pixels (a hash of the marked frame) and the detector's statistics.
/// </summary>
/// <remarks>
/// The expected values were printed with this class's <see cref="Describe"/> with the watermark's own double-precision
/// <c>Fft2D</c> (commit 2b95d38, before the FFTs were merged) and pasted here. The calibrated thresholds
/// (<see cref="WatermarkDetector.MinimumSyncScore"/>, the false-alarm bound) rest on these statistics, so the
/// merged FFT must reproduce them to the last digits.
/// </remarks>
public sealed class WatermarkCalibrationTests
{
    private const uint Payload = 0xA5C3_1F07;

    [Fact]
    public void EmbeddedPixelsAreUnchanged()
    {
        var image = TestImages.Scene(640, 384, 1);
        WatermarkEmbedder.Create(Payload, 640, 384).Embed(image.Pixels);
        var hash = Convert.ToHexString(SHA256.HashData(image.Pixels));
        Assert.True(MarkedSha256 == hash, hash);
    }

    [Fact]
    public void DetectionStatisticsAreUnchanged()
    {
        var marked = TestImages.Scene(640, 384, 1);
        WatermarkEmbedder.Create(Payload, 640, 384).Embed(marked.Pixels);
        AssertSame(MarkedDetection, Detect(marked));
        AssertSame(HalfSizeDetection, Detect(marked.Resize(320, 192)));
        AssertSame(UnmarkedDetection, Detect(TestImages.Scene(640, 384, 1)));
    }

    private static WatermarkDetection Detect(Synthstage.Imaging.RgbImage image)
    {
        var detector = new WatermarkDetector();
        detector.AddFrame(image.Pixels, image.Width, image.Height);
        return detector.Detect();
    }

    private static void AssertSame(string expected, WatermarkDetection actual)
    {
        var expectedFields = expected.Split(' ');
        var actualFields = Describe(actual).Split(' ');
        Assert.Equal(expectedFields.Length, actualFields.Length);
        for (var i = 0; i < expectedFields.Length; i++)
        {
            if (double.TryParse(expectedFields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var e)
                && double.TryParse(actualFields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var a))
            {
                // Relative 1e-12: the same arithmetic in the same order gives the same bits; this only forgives printing.
                Assert.True(Math.Abs(e - a) <= 1e-12 * Math.Max(Math.Abs(e), 1e-300), $"field {i}: expected {expectedFields[i]}, got {actualFields[i]} ({Describe(actual)})");
            }
            else
            {
                Assert.Equal(expectedFields[i], actualFields[i]);
            }
        }
    }

    /// <summary>found payload sync false-alarm scale offsetX offsetY coded-bit-errors.</summary>
    private static string Describe(WatermarkDetection d) => string.Join(' ',
        d.Found, d.PayloadHex ?? "-", d.SyncScore.ToString("R", CultureInfo.InvariantCulture),
        d.FalseAlarmProbability.ToString("R", CultureInfo.InvariantCulture), d.Scale.ToString("R", CultureInfo.InvariantCulture),
        d.OffsetX, d.OffsetY, d.CodedBitErrors);

    private const string MarkedSha256 = "5E33E72D4CD664E2DC21B21338C83E6881A33516E1144C0B0BA34A219D5881FC";
    private const string MarkedDetection = "True a5c31f07 11.895536055416835 6.2424401206427E-33 1 0 0 2";
    private const string HalfSizeDetection = "True a5c31f07 11.761807233002282 3.070283381286526E-32 0.5 0 0 2";
    private const string UnmarkedDetection = "False - 3.928628987211636 1 0.5 85 117 108";
}
