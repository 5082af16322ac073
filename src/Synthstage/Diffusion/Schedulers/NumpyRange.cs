namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// numpy's <c>linspace</c>, <c>arange</c> and <c>round</c> with numpy's exact float64 arithmetic, so timestep
/// tables land on the same values (and the same round-half-to-even ties) as diffusers.
/// </summary>
internal static class NumpyRange
{
    /// <summary><c>np.linspace(start, stop, num, endpoint)</c>: <c>i·step + start</c>, last value exactly <c>stop</c> when included.</summary>
    public static double[] Linspace(double start, double stop, int num, bool endpoint = true)
    {
        var y = new double[num];
        if (num == 0)
        {
            return y;
        }
        int div = endpoint ? num - 1 : num;
        double step = div > 0 ? (stop - start) / div : double.NaN;
        for (int i = 0; i < num; i++)
        {
            y[i] = div > 0 ? i * step + start : start;
        }
        if (endpoint && num > 1)
        {
            y[^1] = stop;
        }
        return y;
    }

    /// <summary>
    /// <c>np.arange(start, stop, step)</c> for floats: length <c>ceil((stop − start)/step)</c>, values
    /// <c>start + i·delta</c> with <c>delta = (start + step) − start</c> as numpy's fill computes it.
    /// </summary>
    public static double[] Arange(double start, double stop, double step)
    {
        int length = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var y = new double[length];
        if (length == 0)
        {
            return y;
        }
        y[0] = start;
        if (length > 1)
        {
            y[1] = start + step;
        }
        double delta = (start + step) - start;
        for (int i = 2; i < length; i++)
        {
            y[i] = start + i * delta;
        }
        return y;
    }

    /// <summary><c>np.round</c>: round half to even.</summary>
    public static double Round(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary>Reverses a copy (<c>[::-1]</c>).</summary>
    public static double[] Reversed(double[] values)
    {
        var copy = (double[])values.Clone();
        Array.Reverse(copy);
        return copy;
    }
}
