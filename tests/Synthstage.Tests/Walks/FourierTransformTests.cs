using Synthstage.Walks.Pacing;

namespace Synthstage.Tests.Walks;

public class FourierTransformTests
{
    [Fact]
    public void MatchesADirectDft()
    {
        const int n = 64;
        var random = new Random(7);
        var real = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var imaginary = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var (re, im) = ((float[])real.Clone(), (float[])imaginary.Clone());
        new FourierTransform(n).Forward(re, im);
        for (var k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            for (var j = 0; j < n; j++)
            {
                var angle = -2 * Math.PI * k * j / n;
                sr += real[j] * Math.Cos(angle) - imaginary[j] * Math.Sin(angle);
                si += real[j] * Math.Sin(angle) + imaginary[j] * Math.Cos(angle);
            }
            Assert.Equal(sr, re[k], 1e-4);
            Assert.Equal(si, im[k], 1e-4);
        }
    }

    [Fact]
    public void RejectsSizesThatAreNotPowersOfTwo() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FourierTransform(48));
}
