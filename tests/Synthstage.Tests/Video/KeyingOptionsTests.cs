using Synthstage.Pose;
using Synthstage.Video;

namespace Synthstage.Tests.Video;

public class KeyingOptionsTests
{
    [Theory]
    [InlineData(24.0, 24.0)]
    [InlineData(30000.0 / 1001, 30000.0 / 1001)]
    [InlineData(0.0, PoseTrackerOptions.DefaultFrameRate)]
    [InlineData(double.NaN, PoseTrackerOptions.DefaultFrameRate)]
    public void TheLandmarkFiltersSampleAtTheFootagesFrameRate(double footage, double expected)
    {
        var options = new KeyingOptions { Model = "pose-full", PoseTracking = new PoseTrackerOptions { CropSmoothing = true } };

        var atRate = options.AtFrameRate(footage);

        Assert.Equal(expected, atRate.PoseTracking.Frequency, 9);
        Assert.True(atRate.PoseTracking.CropSmoothing);
        Assert.Equal("pose-full", atRate.Model);
    }
}
