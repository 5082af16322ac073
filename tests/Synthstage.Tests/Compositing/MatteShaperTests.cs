using Synthstage.Compositing;

namespace Synthstage.Tests.Compositing;

public class MatteShaperTests
{
    [Fact]
    public void HardThresholdWithoutFeatherIsBinary()
    {
        using var shaper = new MatteShaper(new MatteOptions { Threshold = 0.5f, Softness = 0, Feather = 0 }, 4, 1, 4, 1);
        var mask = new[] { 0.1f, 0.49f, 0.5f, 0.9f };
        shaper.Apply(mask);
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, mask);
    }

    [Fact]
    public void SoftnessIsASmoothstepAroundTheThreshold()
    {
        using var shaper = new MatteShaper(new MatteOptions { Threshold = 0.5f, Softness = 0.4f, Feather = 0 }, 5, 1, 5, 1);
        var mask = new[] { 0.3f, 0.4f, 0.5f, 0.6f, 0.7f };
        shaper.Apply(mask);
        Assert.Equal(0f, mask[0], 1e-6f);
        Assert.Equal(0.15625f, mask[1], 1e-5f); // t = 0.25 → 3t² − 2t³
        Assert.Equal(0.5f, mask[2], 1e-6f);
        Assert.Equal(0.84375f, mask[3], 1e-5f);
        Assert.Equal(1f, mask[4], 1e-6f);
    }

    [Fact]
    public void FeatherPreservesMassAndSoftensAStep()
    {
        const int w = 32;
        using var shaper = new MatteShaper(new MatteOptions { Softness = 0, Feather = 10, Refine = MatteRefinement.Off }, w, 1, w * 5, 1);
        var mask = Enumerable.Range(0, w).Select(i => i >= w / 2 ? 1f : 0f).ToArray();
        shaper.Apply(mask);
        Assert.Equal(16f, mask.Sum(), 0.01f);
        Assert.InRange(mask[w / 2 - 1], 0.2f, 0.5f);
        Assert.InRange(mask[w / 2], 0.5f, 0.8f);
        Assert.Equal(0f, mask[0], 1e-4f);
        Assert.Equal(1f, mask[^1], 1e-4f);
        Assert.Equal(5, MatteShaper.GaussianKernel(2f).Length / 2);
    }

    [Fact]
    public void OutOfRangeOptionsAreRejectedWithTheOptionName()
    {
        var ex = Assert.Throws<SynthstageException>(() => new MatteOptions { Threshold = 1.5f }.Validate());
        Assert.Contains("--threshold", ex.Message);
        Assert.Contains("--clip-black", Assert.Throws<SynthstageException>(() => new MatteOptions { ClipBlack = 0.5f }.Validate()).Message);
        Assert.Contains("--clip-white", Assert.Throws<SynthstageException>(() => new MatteOptions { ClipWhite = 0.4f }.Validate()).Message);
        new MatteOptions { ClipBlack = 0, ClipWhite = 1 }.Validate();
    }
}
