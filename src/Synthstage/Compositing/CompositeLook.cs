using System.Globalization;

namespace Synthstage.Compositing;

/// <summary>How the subject is made to sit in its new background: colour harmonisation and light wrap, blended in linear light.</summary>
public sealed record CompositeLook : ISettingsDescription
{
    /// <summary>0..1: how far the subject's Oklab mean and spread move toward the background's (0 = off).</summary>
    public float Harmonize { get; init; }

    /// <summary>0..1: how much of a blurred copy of the background bleeds into the subject's edge (0 = off).</summary>
    public float LightWrap { get; init; }

    /// <summary>True when neither effect is on: the plain 8-bit blend runs and subject pixels at matte 1 stay the source's.</summary>
    public bool IsOff => Harmonize == 0 && LightWrap == 0;

    /// <summary>Throws when a strength is outside 0..1.</summary>
    /// <exception cref="SynthstageException">Either strength is out of range or not a number.</exception>
    public void Validate()
    {
        Check(Harmonize, "--harmonize");
        Check(LightWrap, "--light-wrap");
    }

    /// <summary>Harmonisation and light wrap strengths.</summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("harmonize", Harmonize).Add("light wrap", LightWrap);
    }

    private static void Check(float value, string name)
    {
        if (value is < 0 or > 1 || float.IsNaN(value))
            throw new SynthstageException($"{name} must be between 0 and 1 (got {value.ToString(CultureInfo.InvariantCulture)})", ExitCodes.Usage);
    }
}
