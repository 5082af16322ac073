namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// The three timestep spacings of diffusers (Table 2 of arXiv:2305.08891), returned in denoising order
/// (descending) as float64 before any rounding a scheduler applies.
/// </summary>
internal static class TimestepSpacing
{
    /// <summary>Valid <c>timestep_spacing</c> values.</summary>
    public static readonly string[] Names = ["leading", "linspace", "trailing"];

    /// <summary>Resolves the config's spacing with this scheduler's default.</summary>
    public static string Resolve(SchedulerConfig config, string fallback, string scheduler) =>
        ConfigChoice.Resolve(config.TimestepSpacing, fallback, "timestep_spacing", scheduler, Names);

    /// <summary>
    /// <c>n</c> timesteps out of <c>numTrain</c>:
    /// linspace = evenly from numTrain − 1 to 0 (fractional);
    /// leading = <c>i·(numTrain / n)</c> (integer division) plus <paramref name="stepsOffset"/>;
    /// trailing = <c>round(numTrain − i·numTrain/n) − 1</c>.
    /// </summary>
    public static double[] Descending(string spacing, int numTrain, int n, int stepsOffset)
    {
        switch (spacing)
        {
            case "linspace":
                return NumpyRange.Reversed(NumpyRange.Linspace(0, numTrain - 1, n));
            case "leading":
            {
                int stepRatio = numTrain / n;
                var t = new double[n];
                for (int i = 0; i < n; i++)
                {
                    t[i] = (double)(n - 1 - i) * stepRatio + stepsOffset;
                }
                return t;
            }
            case "trailing":
            {
                double stepRatio = (double)numTrain / n;
                double[] t = NumpyRange.Arange(numTrain, 0, -stepRatio);
                for (int i = 0; i < t.Length; i++)
                {
                    t[i] = NumpyRange.Round(t[i]) - 1;
                }
                return t;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "Unknown timestep spacing.");
        }
    }
}
