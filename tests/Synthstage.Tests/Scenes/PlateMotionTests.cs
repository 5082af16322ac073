using Synthstage.Scenes;

namespace Synthstage.Tests.Scenes;

public sealed class PlateMotionTests
{
    [Fact]
    public void EaseStartsAndEndsAtRest()
    {
        Assert.Equal(0, PlateMotion.Ease(0), 12);
        Assert.Equal(0.5, PlateMotion.Ease(0.5), 12);
        Assert.Equal(1, PlateMotion.Ease(1), 12);
        // Zero slope at both ends: the first and last 1% of the clip move less than 0.03% of the way.
        Assert.True(PlateMotion.Ease(0.01) < 3e-4);
        Assert.True(1 - PlateMotion.Ease(0.99) < 3e-4);
        for (var t = 0.0; t < 1; t += 0.01) Assert.True(PlateMotion.Ease(t + 0.01) > PlateMotion.Ease(t));
    }

    [Fact]
    public void PanCrossesAWiderPlateFromLeftToRight()
    {
        var pan = new PlateMotion(BackgroundMotion.Pan, 0.25);
        Assert.Equal((1600, 720), pan.PlateSize(1280, 720));
        Assert.Equal(1.25, pan.AspectFactor);
        Assert.Equal(new PlateWindow(0, 0, 1280, 720), pan.Window(0, 100, 1600, 720, 1280, 720));
        Assert.Equal(new PlateWindow(320, 0, 1280, 720), pan.Window(99, 100, 1600, 720, 1280, 720));
        Assert.Equal(160, pan.Window(50, 101, 1600, 720, 1280, 720).X, 9);
    }

    [Fact]
    public void ZoomPushesInFromTheWholePlateToAFrameSizedCentre()
    {
        var zoom = new PlateMotion(BackgroundMotion.Zoom, 0.25);
        Assert.Equal((1600, 900), zoom.PlateSize(1280, 720));
        Assert.Equal(1, zoom.AspectFactor);
        Assert.Equal(new PlateWindow(0, 0, 1600, 900), zoom.Window(0, 50, 1600, 900, 1280, 720));
        var end = zoom.Window(49, 50, 1600, 900, 1280, 720);
        Assert.Equal((160, 90, 1280, 720), (end.X, end.Y, end.Width, end.Height), new RectComparer());
    }

    [Fact]
    public void StillShowsTheFrameSizedCentreAndBadTravelIsRefused()
    {
        Assert.Equal((1280, 720), PlateMotion.Still.PlateSize(1280, 720));
        Assert.Equal(new PlateWindow(0, 0, 1280, 720), PlateMotion.Still.Window(7, 10, 1280, 720, 1280, 720));
        var e = Assert.Throws<SynthstageException>(() => new PlateMotion(BackgroundMotion.Pan, 1.5).Validate());
        Assert.Contains("between 0 and 1", e.Message);
    }

    private sealed class RectComparer : IEqualityComparer<(double, double, double, double)>
    {
        public bool Equals((double, double, double, double) a, (double, double, double, double) b) =>
            Math.Abs(a.Item1 - b.Item1) < 1e-6 && Math.Abs(a.Item2 - b.Item2) < 1e-6 && Math.Abs(a.Item3 - b.Item3) < 1e-6 && Math.Abs(a.Item4 - b.Item4) < 1e-6;

        public int GetHashCode((double, double, double, double) obj) => 0;
    }
}
