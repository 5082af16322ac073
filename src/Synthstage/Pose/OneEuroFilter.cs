namespace Synthstage.Pose;

/// <summary>
/// The One Euro filter (Casiez, Roussel and Vogel, CHI 2012) in the form MediaPipe applies to landmarks: a low-pass
/// filter whose cutoff rises with the value's speed, so a still value is held steady and a moving one follows with
/// little lag. Per sample: <c>dx = (x − previous raw x)·valueScale·frequency</c> (0 for the first sample),
/// <c>edx = lowpass(dx, α(derivateCutoff))</c>, <c>cutoff = minCutoff + β·|edx|</c>, <c>out = lowpass(x, α(cutoff))</c>,
/// with <c>α(c) = 1 / (1 + τ/Tₑ)</c>, <c>τ = 1/(2πc)</c>, <c>Tₑ = 1/frequency</c>.
/// </summary>
/// <remarks>Allocation-free per sample. Call <see cref="Reset"/> when the tracked object changes.</remarks>
public sealed class OneEuroFilter
{
    private readonly LowPassFilter _value = new();
    private readonly LowPassFilter _speed = new();

    /// <summary>A filter with the given settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A cutoff is not positive or beta is negative.</exception>
    public OneEuroFilter(OneEuroSettings settings)
    {
        if (!(settings.MinCutoff > 0)) throw new ArgumentOutOfRangeException(nameof(settings), settings.MinCutoff, "MinCutoff must be positive");
        if (!(settings.DerivateCutoff > 0)) throw new ArgumentOutOfRangeException(nameof(settings), settings.DerivateCutoff, "DerivateCutoff must be positive");
        if (!(settings.Beta >= 0)) throw new ArgumentOutOfRangeException(nameof(settings), settings.Beta, "Beta must not be negative");
        Settings = settings;
    }

    /// <summary>The filter's parameters.</summary>
    public OneEuroSettings Settings { get; }

    /// <summary>True once a sample has been filtered since the last reset.</summary>
    public bool HasValue => _value.HasValue;

    /// <summary>Filters the next sample.</summary>
    /// <param name="value">The raw sample.</param>
    /// <param name="frequency">Samples per second (1 / time since the previous sample).</param>
    /// <param name="valueScale">Multiplies the speed before it raises the cutoff (MediaPipe: 1 / the object's size).</param>
    public double Apply(double value, double frequency, double valueScale = 1)
    {
        var speed = _value.HasValue ? (value - _value.LastRaw) * valueScale * frequency : 0;
        var smoothedSpeed = _speed.Apply(speed, Alpha(Settings.DerivateCutoff, frequency));
        var cutoff = Settings.MinCutoff + Settings.Beta * Math.Abs(smoothedSpeed);
        return _value.Apply(value, Alpha(cutoff, frequency));
    }

    /// <summary>Forgets the history: the next sample passes through.</summary>
    public void Reset()
    {
        _value.Reset();
        _speed.Reset();
    }

    /// <summary>The low-pass weight on the new sample for a cutoff frequency at a sampling frequency (both in Hz).</summary>
    public static double Alpha(double cutoff, double frequency)
    {
        var tau = 1 / (2 * Math.PI * cutoff);
        var te = 1 / frequency;
        return 1 / (1 + tau / te);
    }
}
