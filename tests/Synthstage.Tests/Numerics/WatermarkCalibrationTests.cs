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
        Assert.Equal(MarkedSha256, Convert.ToHexString(SHA256.HashData(image.Pixels)));
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

    private const string MarkedSha256 = "2E60252C5CE88CF232632AF51072FC13524BFFBB22E23C0B143B7961A71F05E8";
    private const string MarkedDetection = "True a5c31f07 13.853482974445473 6.059512624958264E-44 1 0 0 0";
    private const string HalfSizeDetection = "True a5c31f07 13.660661574548595 8.719607672609507E-43 0.5 0 0 0";
    private const string UnmarkedDetection = "False - 3.9252403195709142 1 0.5 85 117 108";
}
