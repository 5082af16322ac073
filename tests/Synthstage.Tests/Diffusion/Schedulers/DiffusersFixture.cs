using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>
/// The fixture of diffusers' <c>tests/schedulers/test_schedulers.py</c>: <c>dummy_sample_deter</c> (768 values k/768
/// laid out as (4,3,8,8) with element [b,c,h,w] = (c·256 + h·32 + w·4 + b)/768) and <c>dummy_model</c>
/// (<c>sample · t / (t + 1)</c>).
/// </summary>
internal static class DiffusersFixture
{
    public const int Batch = 4, Channels = 3, Height = 8, Width = 8;
    public const int Length = Batch * Channels * Height * Width;

    /// <summary>The betas most of diffusers' scheduler tests use: 0.0001 → 0.02 linear over <paramref name="numTrainTimesteps"/>.</summary>
    public static SchedulerConfig LinearBetas(int numTrainTimesteps) => new()
    {
        NumTrainTimesteps = numTrainTimesteps,
        BetaStart = 0.0001,
        BetaEnd = 0.02,
        BetaSchedule = "linear",
    };

    public static float[] DummySampleDeter()
    {
        var sample = new float[Length];
        for (int b = 0; b < Batch; b++)
        for (int c = 0; c < Channels; c++)
        for (int h = 0; h < Height; h++)
        for (int w = 0; w < Width; w++)
        {
            int k = c * 256 + h * 32 + w * 4 + b;
            sample[((b * Channels + c) * Height + h) * Width + w] = k / (float)Length;
        }
        return sample;
    }

    /// <summary><c>dummy_noise_deter</c>: the same layout with the values reversed, element k = (767 − k)/768.</summary>
    public static float[] DummyNoiseDeter()
    {
        float[] sample = DummySampleDeter();
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] = (Length - 1) / (float)Length - sample[i];
        }
        return sample;
    }

    /// <summary>diffusers' dummy model, in float32 like torch: (sample · t) / (t + 1).</summary>
    public static void DummyModel(ReadOnlySpan<float> sample, float t, Span<float> output)
    {
        float denominator = t + 1f;
        for (int i = 0; i < sample.Length; i++)
        {
            output[i] = sample[i] * t / denominator;
        }
    }

    public static double SumAbs(ReadOnlySpan<float> x)
    {
        // torch.sum over float32 accumulates in float; double here differs by far less than the 1e-2 tolerance.
        double sum = 0;
        foreach (float v in x)
        {
            sum += Math.Abs(v);
        }
        return sum;
    }

    public static double MeanAbs(ReadOnlySpan<float> x) => SumAbs(x) / x.Length;

    public static void AssertSumMean(ReadOnlySpan<float> result, double expectedSum, double expectedMean)
    {
        double sum = SumAbs(result);
        double mean = MeanAbs(result);
        TestContext.Current.TestOutputHelper?.WriteLine($"measured sum {sum:F4} (expected {expectedSum}), mean {mean:F6} (expected {expectedMean})");
        Assert.True(Math.Abs(sum - expectedSum) < 1e-2, $"sum |x| = {sum:R}, expected {expectedSum} ± 1e-2");
        Assert.True(Math.Abs(mean - expectedMean) < 1e-3, $"mean |x| = {mean:R}, expected {expectedMean} ± 1e-3");
    }

    public static void AssertMean(ReadOnlySpan<float> result, double expectedMean)
    {
        double mean = MeanAbs(result);
        TestContext.Current.TestOutputHelper?.WriteLine($"measured mean {mean:F6} (expected {expectedMean})");
        Assert.True(Math.Abs(mean - expectedMean) < 1e-3, $"mean |x| = {mean:R}, expected {expectedMean} ± 1e-3");
    }
}
