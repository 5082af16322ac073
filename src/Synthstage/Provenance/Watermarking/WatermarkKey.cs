namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// Selects the pseudo-random spectrum of the watermark. Every Synthstage build marks and detects with
/// <see cref="Default"/>, so anyone can check a file; other keys exist to measure false positives (an unmarked
/// image tested against many keys is many independent trials).
/// </summary>
/// <param name="Seed">Seeds the frequency bins' assignment and phases.</param>
public readonly record struct WatermarkKey(ulong Seed)
{
    /// <summary>The public key every output is marked with ("SYNTHSTG" in ASCII).</summary>
    public static WatermarkKey Default { get; } = new(0x53594E5448535447UL);
}
