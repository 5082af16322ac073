using Synthstage.Numerics;

namespace Synthstage.Tests.Numerics;

/// <summary>The shared FFT against the DFT sum X[k] = Σₙ x[n]·e^(∓2πi·kn/N) evaluated directly in double in the test.</summary>
public sealed class FourierTransformTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(1024)]
    public void FloatForwardMatchesADirectDft(int n)
    {
        var (real, imaginary) = RandomSignal(n, seed: 7);
        var re = real.Select(v => (float)v).ToArray();
        var im = imaginary.Select(v => (float)v).ToArray();
        new FourierTransform<float>(n).Forward(re, im);
        var (expectedRe, expectedIm) = DirectDft(re.Length, real, imaginary, inverse: false);
        // float32 butterflies: error grows like log₂N · ε · √N · |x|.
        var tolerance = 2e-6 * Math.Log2(n) * Math.Sqrt(n) + 1e-6;
        for (var k = 0; k < n; k++)
        {
            Assert.Equal(expectedRe[k], re[k], tolerance);
            Assert.Equal(expectedIm[k], im[k], tolerance);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DoubleTransformsMatchADirectDftBothWays(bool inverse)
    {
        const int n = 128;
        var (real, imaginary) = RandomSignal(n, seed: 11);
        var (re, im) = ((double[])real.Clone(), (double[])imaginary.Clone());
        var fft = new FourierTransform<double>(n);
        if (inverse) fft.Inverse(re, im);
        else fft.Forward(re, im);
        var (expectedRe, expectedIm) = DirectDft(n, real, imaginary, inverse);
        for (var k = 0; k < n; k++)
        {
            Assert.Equal(expectedRe[k], re[k], 1e-11);
            Assert.Equal(expectedIm[k], im[k], 1e-11);
        }
    }

    [Fact]
    public void Transform2DMatchesADirectTwoDimensionalDft()
    {
        const int n = 16;
        var (real, imaginary) = RandomSignal(n * n, seed: 3);
        var (re, im) = ((double[])real.Clone(), (double[])imaginary.Clone());
        new FourierTransform<double>(n).Transform2D(re, im, inverse: false);
        for (var v = 0; v < n; v++)
            for (var u = 0; u < n; u++)
            {
                double sr = 0, si = 0;
                for (var y = 0; y < n; y++)
                    for (var x = 0; x < n; x++)
                    {
                        var angle = -2 * Math.PI * (u * x + v * y) / n;
                        var (a, b) = (real[y * n + x], imaginary[y * n + x]);
                        sr += a * Math.Cos(angle) - b * Math.Sin(angle);
                        si += a * Math.Sin(angle) + b * Math.Cos(angle);
                    }
                Assert.Equal(sr, re[v * n + u], 1e-10);
                Assert.Equal(si, im[v * n + u], 1e-10);
            }
    }

    [Fact]
    public void InverseOfForwardIsNTimesTheInput()
    {
        const int n = 32;
        var (real, imaginary) = RandomSignal(n, seed: 5);
        var (re, im) = ((double[])real.Clone(), (double[])imaginary.Clone());
        var fft = new FourierTransform<double>(n);
        fft.Forward(re, im);
        fft.Inverse(re, im);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(real[i], re[i] / n, 1e-12);
            Assert.Equal(imaginary[i], im[i] / n, 1e-12);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(48)]
    public void RejectsSizesThatAreNotPowersOfTwo(int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FourierTransform<float>(n));

    [Fact]
    public void RejectsSpansOfTheWrongLength()
    {
        var fft = new FourierTransform<double>(8);
        Assert.Throws<ArgumentException>(() => fft.Forward(new double[8], new double[4]));
        Assert.Throws<ArgumentException>(() => fft.Transform2D(new double[8], new double[8], inverse: false));
    }

    private static (double[] Real, double[] Imaginary) RandomSignal(int n, int seed)
    {
        var random = new Random(seed);
        return (Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray(),
            Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray());
    }

    private static (double[] Real, double[] Imaginary) DirectDft<T>(int n, T[] real, T[] imaginary, bool inverse) where T : IConvertible
    {
        var sign = inverse ? 1.0 : -1.0;
        var re = new double[n];
        var im = new double[n];
        for (var k = 0; k < n; k++)
            for (var j = 0; j < n; j++)
            {
                var angle = sign * 2 * Math.PI * ((long)k * j % n) / n;
                double a = real[j].ToDouble(null), b = imaginary[j].ToDouble(null);
                re[k] += a * Math.Cos(angle) - b * Math.Sin(angle);
                im[k] += a * Math.Sin(angle) + b * Math.Cos(angle);
            }
        return (re, im);
    }
}
