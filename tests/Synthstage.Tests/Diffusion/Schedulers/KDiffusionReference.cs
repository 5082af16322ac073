namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>
/// diffusers' k-diffusion test loop for the v-prediction fixtures, written again in double precision from the papers'
/// formulas (not from the schedulers under test): linear betas, ᾱ = Π(1 − β), σ = √((1 − ᾱ)/ᾱ), linspace timesteps,
/// σ interpolated at them, then per step <c>x ← x/√(σ²+1)</c>, the dummy model, x₀ = −σ/√(σ²+1)·v + x/(σ²+1),
/// d = (x − x₀)/σ and an Euler or linear-multistep update.
/// </summary>
/// <remarks>
/// In exact arithmetic the fixture's v-prediction loop ends at 0 (x₀ of the last step is the result and the dummy
/// model makes it vanish), so diffusers' final sums (0.0002, 0.0017) are float32 rounding noise that an all-zero
/// sample also matches. The intermediate samples are of order σ and are what proves the update: the tests compare
/// every step element by element.
/// </remarks>
internal static class KDiffusionReference
{
    /// <summary>The sample after each of <paramref name="steps"/> steps.</summary>
    /// <param name="multistep">Linear multistep (order up to 4) instead of Euler.</param>
    public static List<double[]> VPredictionLoop(int numTrain, int steps, bool multistep)
    {
        var sigmasTrain = new double[numTrain];
        double cumprod = 1;
        for (var i = 0; i < numTrain; i++)
        {
            var beta = 0.0001 + (0.02 - 0.0001) * i / (numTrain - 1);
            cumprod *= 1 - beta;
            sigmasTrain[i] = Math.Sqrt((1 - cumprod) / cumprod);
        }
        var timesteps = Enumerable.Range(0, steps).Select(i => (numTrain - 1) * (double)(steps - 1 - i) / (steps - 1)).ToArray();
        var sigmas = timesteps.Select(t => Interp(t, sigmasTrain)).Append(0).ToArray();

        var sample = DiffusersFixture.DummySampleDeter().Select(v => (double)v * sigmas.Max()).ToArray();
        var derivatives = new List<double[]>();
        var result = new List<double[]>();
        for (var s = 0; s < steps; s++)
        {
            double sigma = sigmas[s], t = timesteps[s];
            var scaled = sample.Select(x => x / Math.Sqrt(sigma * sigma + 1)).ToArray();
            var derivative = scaled.Select(x =>
            {
                var v = x * t / (t + 1);
                var x0 = -sigma / Math.Sqrt(sigma * sigma + 1) * v + x / (sigma * sigma + 1);
                return (x - x0) / sigma;
            }).ToArray();
            if (!multistep)
            {
                sample = scaled.Select((x, i) => x + derivative[i] * (sigmas[s + 1] - sigma)).ToArray();
            }
            else
            {
                derivatives.Add(derivative);
                if (derivatives.Count > 4) derivatives.RemoveAt(0);
                var order = Math.Min(s + 1, 4);
                var next = (double[])scaled.Clone();
                for (var k = 0; k < order; k++)
                {
                    var coefficient = LagrangeIntegral(sigmas, s, order, k);
                    var d = derivatives[derivatives.Count - 1 - k];
                    for (var i = 0; i < next.Length; i++) next[i] += coefficient * d[i];
                }
                sample = next;
            }
            result.Add(sample);
        }
        return result;
    }

    /// <summary>Compares every step of a float32 run with the double reference, relative to the step's largest value.</summary>
    public static void AssertSteps(List<double[]> expected, List<float[]> actual, double relative)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var s = 0; s < expected.Count; s++)
        {
            var scale = Math.Max(expected[s].Max(Math.Abs), 1e-3);
            for (var i = 0; i < expected[s].Length; i++)
                Assert.True(Math.Abs(expected[s][i] - actual[s][i]) <= relative * scale,
                    $"step {s}, element {i}: expected {expected[s][i]:R}, got {actual[s][i]:R} (step scale {scale:R})");
        }
    }

    private static double Interp(double t, double[] table)
    {
        var i = (int)Math.Floor(t);
        if (i >= table.Length - 1) return table[^1];
        var f = t - i;
        return table[i] * (1 - f) + table[i + 1] * f;
    }

    // ∫ from σ_s to σ_{s+1} of the Lagrange basis polynomial of history entry k over σ_s, σ_{s−1}, …; Simpson's rule
    // is exact for the basis's degree ≤ 3.
    private static double LagrangeIntegral(double[] sigmas, int s, int order, int k)
    {
        double Basis(double tau)
        {
            var product = 1.0;
            for (var j = 0; j < order; j++)
                if (j != k) product *= (tau - sigmas[s - j]) / (sigmas[s - k] - sigmas[s - j]);
            return product;
        }
        double a = sigmas[s], b = sigmas[s + 1];
        return (b - a) / 6 * (Basis(a) + 4 * Basis((a + b) / 2) + Basis(b));
    }
}
