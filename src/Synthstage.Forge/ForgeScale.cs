namespace Synthstage.Forge;

/// <summary>Size preset of a forged model folder.</summary>
public enum ForgeScale
{
    /// <summary>Narrow and shallow networks for tests: every graph loads and runs in well under a second.</summary>
    Tiny,

    /// <summary>The published SD 1.5 sizes (UNet 859.52 M, text encoder 123.06 M, VAE 83.65 M parameters), for benchmarks.</summary>
    Full,
}
