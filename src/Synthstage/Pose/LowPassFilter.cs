namespace Synthstage.Pose;

/// <summary>
/// Exponential low-pass filter: <c>out = α·x + (1 − α)·previousOut</c>; the first value after construction or
/// <see cref="Reset"/> passes through unchanged. Remembers the last raw input for derivative estimates.
/// </summary>
public sealed class LowPassFilter
{
    private double _stored;

    /// <summary>True once a value has been filtered since the last reset.</summary>
    public bool HasValue { get; private set; }

    /// <summary>The last raw (unfiltered) input; meaningful only when <see cref="HasValue"/>.</summary>
    public double LastRaw { get; private set; }

    /// <summary>Filters <paramref name="value"/> with weight <paramref name="alpha"/> (0..1) on the new value.</summary>
    public double Apply(double value, double alpha)
    {
        _stored = HasValue ? alpha * value + (1 - alpha) * _stored : value;
        LastRaw = value;
        HasValue = true;
        return _stored;
    }

    /// <summary>Forgets the history: the next value passes through.</summary>
    public void Reset() => HasValue = false;
}
