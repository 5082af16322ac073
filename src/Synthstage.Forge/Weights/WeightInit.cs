namespace Synthstage.Forge.Weights;

/// <summary>How one parameter tensor is initialised: a constant, or approximately normal noise of a given spread.</summary>
/// <param name="Std">Standard deviation of the noise; 0 for a constant tensor.</param>
/// <param name="Constant">Value of every element when <paramref name="Std"/> is 0.</param>
internal readonly record struct WeightInit(float Std, float Constant)
{
    /// <summary>Zero-mean noise with standard deviation <paramref name="std"/>.</summary>
    public static WeightInit Normal(float std) => new(std, 0);

    /// <summary>Noise scaled to keep activations at unit variance through a layer with <paramref name="fanIn"/> inputs,
    /// times <paramref name="gain"/> (below 1 for the last layer of a residual branch, so sums of branches stay moderate).</summary>
    public static WeightInit FanIn(long fanIn, float gain = 1f) => new(gain / MathF.Sqrt(fanIn), 0);

    /// <summary>Every element equal to <paramref name="value"/> (norm scales 1, norm shifts 0).</summary>
    public static WeightInit Fill(float value) => new(0, value);
}
