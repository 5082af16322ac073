using Synthstage.Imaging;

namespace Synthstage.Tests.Imaging;

public class PictureMotionTests
{
    private static byte[] Grey(int w, int h, byte level) => Enumerable.Repeat(level, w * h * 3).ToArray();

    [Fact]
    public void ReportsTheChangeOfEachCellsMeanLumaAndNothingOnTheFirstFrame()
    {
        const int w = 40, h = 20;
        var motion = new PictureMotion(w, h, 4, 2);
        var change = new float[8];
        var first = Grey(w, h, 100);
        motion.Next(first, 3, change);
        Assert.All(change, c => Assert.Equal(0f, c));

        // Cell (1, 0) covers x 10..19, y 0..9: brighten a quarter of it (5×5 pixels) by 40 grey levels → mean +10.
        var second = (byte[])first.Clone();
        for (var y = 0; y < 5; y++)
            for (var x = 10; x < 15; x++)
                second[(y * w + x) * 3] = second[(y * w + x) * 3 + 1] = second[(y * w + x) * 3 + 2] = 140;
        motion.Next(second, 3, change);
        for (var c = 0; c < 8; c++) Assert.Equal(c == 1 ? 10f : 0f, change[c], 1e-3f);
        Assert.Equal(1, motion.CellIndex(12, 3));
        Assert.Equal(7, motion.CellIndex(39, 19));

        motion.Next(second, 3, change);
        Assert.All(change, c => Assert.Equal(0f, c, 1e-4f));
        motion.Reset();
        motion.Next(first, 3, change);
        Assert.All(change, c => Assert.Equal(0f, c));
    }

    [Fact]
    public void LumaUsesBt601WeightsOnRgbaFramesToo()
    {
        const int w = 4, h = 4;
        var motion = new PictureMotion(w, h, 1, 1);
        var change = new float[1];
        motion.Next(new byte[w * h * 4], 4, change);
        var red = new byte[w * h * 4];
        for (var i = 0; i < w * h; i++) (red[4 * i], red[4 * i + 3]) = (255, 255);
        motion.Next(red, 4, change);
        Assert.Equal(0.299f * 255, change[0], 1e-3f);
    }

    [Fact]
    public void BadSizesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PictureMotion(10, 10, 11, 1));
        var motion = new PictureMotion(10, 10, 2, 2);
        Assert.Throws<ArgumentException>(() => motion.Next(new byte[10], 3, new float[4]));
        Assert.Throws<ArgumentException>(() => motion.Next(new byte[300], 3, new float[3]));
    }
}
