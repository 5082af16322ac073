using Synthstage.Provenance.Watermarking;

namespace Synthstage.Tests.Provenance;

public sealed class WatermarkCodingTests
{
    [Fact]
    public void Crc16MatchesTheCcittFalseCheckValue()
    {
        // CRC-16/CCITT-FALSE("123456789") = 0x29B1, bits taken most significant first.
        var bits = "123456789"u8.ToArray().SelectMany(b => Enumerable.Range(0, 8).Select(i => (byte)((b >> (7 - i)) & 1))).ToArray();
        Assert.Equal(0x29B1, Crc16.OfBits(bits));
    }

    [Fact]
    public void ViterbiCorrectsFlippedCodedBits()
    {
        var random = new Random(3);
        var message = Enumerable.Range(0, 48).Select(_ => (byte)random.Next(2)).ToArray();
        var coded = new byte[ConvolutionalCode.CodedLength(48)];
        ConvolutionalCode.Encode(message, coded);
        Assert.Equal(108, coded.Length);
        var soft = coded.Select(c => c == 1 ? 1.0 : -1.0).ToArray();
        foreach (var i in new[] { 3, 20, 41, 70, 95 }) soft[i] = -soft[i]; // five hard errors, spread out
        var decoded = new byte[48];
        ConvolutionalCode.Decode(soft, decoded);
        Assert.Equal(message, decoded);
    }

    [Fact]
    public void ViterbiDecodesNoisySoftValues()
    {
        var random = new Random(4);
        var errors = 0;
        for (var trial = 0; trial < 50; trial++)
        {
            var message = Enumerable.Range(0, 48).Select(_ => (byte)random.Next(2)).ToArray();
            var coded = new byte[108];
            ConvolutionalCode.Encode(message, coded);
            // Eb/N0 ≈ 4 dB: raw coded-bit error rate about 6%, which the K=7 code removes almost always.
            var soft = coded.Select(c => (c == 1 ? 1.0 : -1.0) + Gaussian(random) * 0.63).ToArray();
            var decoded = new byte[48];
            ConvolutionalCode.Decode(soft, decoded);
            errors += message.Zip(decoded).Count(p => p.First != p.Second) > 0 ? 1 : 0;
        }
        Assert.True(errors <= 2, $"{errors} of 50 messages decoded wrongly");
    }

    [Fact]
    public void FftRoundTripsAndMatchesADirectDft()
    {
        const int n = 16;
        var random = new Random(6);
        var re = Enumerable.Range(0, n * n).Select(_ => random.NextDouble()).ToArray();
        var im = new double[n * n];
        var original = (double[])re.Clone();
        var fft = new Synthstage.Numerics.FourierTransform<double>(n);
        fft.Transform2D(re, im, inverse: false);
        foreach (var (u, v) in new[] { (0, 0), (3, 1), (5, 9), (15, 15) })
        {
            double dr = 0, di = 0;
            for (var y = 0; y < n; y++)
                for (var x = 0; x < n; x++)
                {
                    var angle = -2 * Math.PI * (u * x + v * y) / n;
                    dr += original[y * n + x] * Math.Cos(angle);
                    di += original[y * n + x] * Math.Sin(angle);
                }
            Assert.Equal(dr, re[v * n + u], 9);
            Assert.Equal(di, im[v * n + u], 9);
        }
        fft.Transform2D(re, im, inverse: true);
        for (var i = 0; i < re.Length; i++) Assert.Equal(original[i], re[i] / (n * n), 9);
    }

    [Fact]
    public void TheTileIsRealZeroMeanUnitRmsAndPeriodic()
    {
        var layout = WatermarkLayout.For(WatermarkKey.Default);
        var tile = layout.SynthesizeTile(0x12345678);
        Assert.Equal(128 * 128, tile.Length);
        Assert.Equal(0, tile.Average(), 9);
        Assert.Equal(1, Math.Sqrt(tile.Average(v => v * v)), 6);
        Assert.True(layout.SyncCount > 150 && layout.Count - layout.SyncCount > 3 * layout.CodedBits,
            $"{layout.SyncCount} sync bins, {layout.Count - layout.SyncCount} data bins for {layout.CodedBits} coded bits");
        Assert.NotEqual(tile, layout.SynthesizeTile(0x12345679));
    }

    [Fact]
    public void FalseAlarmTailIsTheStandardNormal()
    {
        Assert.Equal(0.5, WatermarkDetector.UpperTail(0), 6);
        Assert.Equal(0.0013499, WatermarkDetector.UpperTail(3), 6);
        Assert.Equal(2.8665e-7, WatermarkDetector.UpperTail(5), 9);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
