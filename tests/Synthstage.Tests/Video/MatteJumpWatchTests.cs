using Synthstage.Video;

namespace Synthstage.Tests.Video;

public class MatteJumpWatchTests
{
    private const int Width = 320, Height = 180, MaskWidth = 64, MaskHeight = 36;

    // A textured picture; odd `step`s are 40 levels brighter everywhere, so every cell changes from frame to frame.
    private static byte[] Picture(int step)
    {
        var frame = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
                frame.AsSpan((y * Width + x) * 3, 3).Fill((byte)((x * 7 % 151 ^ y * 13 % 63) + (step % 2) * 40));
        return frame;
    }

    // A person-shaped block covering the left `share` of the mask.
    private static float[] Matte(double share)
    {
        var mask = new float[MaskWidth * MaskHeight];
        for (var y = 0; y < MaskHeight; y++)
            for (var x = 0; x < (int)(MaskWidth * share); x++)
                mask[y * MaskWidth + x] = 1;
        return mask;
    }

    [Fact]
    public void ACollapseOnAStillPictureIsReportedWithItsFramesUntilTheMatteRecovers()
    {
        var watch = new MatteJumpWatch(Width, Height, MaskWidth, MaskHeight);
        var still = Picture(0);
        var started = new List<int>();
        for (var i = 0; i < 40; i++)
            if (watch.Next(i, still, 3, Matte(i is >= 10 and < 25 ? 0.02 : 0.6))) started.Add(i);
        var jump = Assert.Single(watch.Jumps);
        Assert.Equal([10], started);
        Assert.Equal((10, 25), (jump.FirstFrame, jump.LastFrame));
        Assert.Equal(0.6, jump.CoverageBefore, 0.02);
        Assert.Equal(1.0 / 64, jump.CoverageAfter, 0.001);
        Assert.Contains("frames 10–25 (coverage 0.59 → 0.02)", watch.Warning());
    }

    [Fact]
    public void TheSameChangeWhileThePictureMovesIsNoJump()
    {
        var watch = new MatteJumpWatch(Width, Height, MaskWidth, MaskHeight);
        for (var i = 0; i < 40; i++)
            watch.Next(i, Picture(i), 3, Matte(i is >= 10 and < 25 ? 0.02 : 0.6));
        Assert.Empty(watch.Jumps);
        Assert.Null(watch.Warning());
    }

    [Fact]
    public void ASteadyMatteAndSmallChangesAreNoJump()
    {
        var watch = new MatteJumpWatch(Width, Height, MaskWidth, MaskHeight);
        var still = Picture(0);
        for (var i = 0; i < 40; i++) watch.Next(i, still, 3, Matte(0.5 + 0.01 * (i % 2)));
        Assert.Empty(watch.Jumps);
    }
}
