namespace Synthstage.Diffusion.Schedulers;

/// <summary>Sigma-space helpers shared by the k-diffusion style schedulers (Euler, Euler Ancestral, LMS, DPM-Solver).</summary>
internal static class SigmaTable
{
    /// <summary><c>np.interp(x, arange(len(table)), table)</c> in float64.</summary>
    public static double Interp(double x, float[] table)
    {
        if (x <= 0)
        {
            return table[0];
        }
        if (x >= table.Length - 1)
        {
            return table[^1];
        }
        int j = (int)Math.Floor(x);
        double slope = ((double)table[j + 1] - table[j]) / 1.0;
        return slope * (x - j) + table[j];
    }

    /// <summary>
    /// Karras et al. (2022) eq. (5) noise levels: <c>(σmax^(1/ρ) + ramp·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ</c>, ρ = 7,
    /// descending from <paramref name="sigmaMax"/> to exactly <paramref name="sigmaMin"/>.
    /// </summary>
    public static double[] Karras(double sigmaMin, double sigmaMax, int n)
    {
        const double rho = 7.0;
        double[] ramp = NumpyRange.Linspace(0, 1, n);
        double minInvRho = Math.Pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.Pow(sigmaMax, 1 / rho);
        var sigmas = new double[n];
        for (int i = 0; i < n; i++)
        {
            sigmas[i] = Math.Pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        }
        return sigmas;
    }

    /// <summary>Natural logs of the training sigmas, in float32 as <c>np.log</c> of a float32 array.</summary>
    public static float[] Log(float[] sigmas) => sigmas.Select(s => MathF.Log(s)).ToArray();

    /// <summary>
    /// The fractional training timestep whose sigma is <paramref name="sigma"/>: linear interpolation in
    /// log-sigma between the two neighbouring training steps (diffusers' <c>_sigma_to_t</c>).
    /// </summary>
    public static double SigmaToT(double sigma, float[] logSigmas)
    {
        double logSigma = Math.Log(Math.Max(sigma, 1e-10));
        // Last index whose log-sigma is ≤ logSigma (the table ascends), clipped so a neighbour exists.
        int lowIdx = 0;
        for (int i = 0; i < logSigmas.Length; i++)
        {
            if (logSigma - logSigmas[i] >= 0)
            {
                lowIdx = i;
            }
        }
        lowIdx = Math.Min(lowIdx, logSigmas.Length - 2);
        int highIdx = lowIdx + 1;
        double low = logSigmas[lowIdx];
        double high = logSigmas[highIdx];
        double w = Math.Clamp((low - logSigma) / (low - high), 0, 1);
        return (1 - w) * lowIdx + w * highIdx;
    }

    /// <summary>
    /// Position of <paramref name="timestep"/> in the schedule: its first occurrence, or its second when it repeats
    /// (so img2img starting mid-schedule does not skip a sigma), as diffusers' <c>index_for_timestep</c>.
    /// </summary>
    /// <returns>The index, or −1 when the timestep is not in the schedule.</returns>
    public static int IndexForTimestep(float[] timesteps, float timestep)
    {
        int first = -1;
        for (int i = 0; i < timesteps.Length; i++)
        {
            if (timesteps[i] == timestep)
            {
                if (first >= 0)
                {
                    return i;
                }
                first = i;
            }
        }
        return first;
    }
}
