using Synthstage.Forge;

namespace Synthstage.Tests.Forge;

public class ForgeParameterCountTests
{
    [Fact]
    public void FullScaleCountsEqualSd15PublishedCounts()
    {
        var counts = StableDiffusionForge.CountParameters(StableDiffusionSize.Full);
        TestContext.Current.TestOutputHelper?.WriteLine($"counts: {counts}");

        Assert.Equal(123_060_480, counts.TextEncoder);
        Assert.Equal(859_520_964, counts.UNet);
        Assert.Equal(83_653_863, counts.Vae);
    }
}
