using Synthstage.Pose;

namespace Synthstage.Tests.Pose;

public class HeatmapLandmarkRefinerTests
{
    private const int Size = 64, Count = 3, Stride = 5;
    private const float Crop = 256;

    private static float[] Heatmap(float logit = -30f) => Enumerable.Repeat(logit, Size * Size * Count).ToArray();

    private static void Set(float[] heatmap, int landmark, int row, int column, float logit) => heatmap[(row * Size + column) * Count + landmark] = logit;

    [Fact]
    public void ALandmarkMovesToTheConfidentPeakNearIt()
    {
        var heatmap = Heatmap();
        Set(heatmap, 0, 27, 28, 30f);                   // one sure cell, two cells right and one up of the landmark
        Set(heatmap, 1, 10, 10, 0f);                    // two cells at 50 %: the midpoint
        Set(heatmap, 1, 10, 12, 0f);
        var landmarks = new float[Count * Stride];
        (landmarks[0], landmarks[1], landmarks[2]) = (26.5f * 4, 28.5f * 4, 7f); // cell (row 28, column 26)
        (landmarks[5], landmarks[6]) = (11.2f * 4, 10.9f * 4);
        (landmarks[10], landmarks[11]) = (40f * 4, 40f * 4);

        var moved = HeatmapLandmarkRefiner.Refine(landmarks, Stride, Crop, heatmap, Size);

        Assert.Equal(2, moved);
        // MediaPipe's convention: cell index / size, the cell's top-left corner.
        Assert.Equal(28f * 4, landmarks[0], 1e-3f);
        Assert.Equal(27f * 4, landmarks[1], 1e-3f);
        Assert.Equal(7f, landmarks[2]);                  // z untouched
        Assert.Equal(11f * 4, landmarks[5], 1e-2f);
        Assert.Equal(10f * 4, landmarks[6], 1e-2f);
        Assert.Equal((40f * 4, 40f * 4), (landmarks[10], landmarks[11])); // nothing confident near it
    }

    [Fact]
    public void APeakOutsideTheSevenCellWindowOrBelowHalfConfidenceIsIgnored()
    {
        var heatmap = Heatmap();
        Set(heatmap, 0, 20, 24, 30f);                   // 4 columns right of the landmark's cell: outside ±3
        Set(heatmap, 1, 5, 5, -0.1f);                   // 47.5 %: not confident enough
        var landmarks = new float[Count * Stride];
        (landmarks[0], landmarks[1]) = (20.5f * 4, 20.5f * 4);
        (landmarks[5], landmarks[6]) = (5.5f * 4, 5.5f * 4);
        (landmarks[10], landmarks[11]) = (-3f, 100f);   // outside the crop

        Assert.Equal(0, HeatmapLandmarkRefiner.Refine(landmarks, Stride, Crop, heatmap, Size));
        Assert.Equal(20.5f * 4, landmarks[0]);
        Assert.Equal(5.5f * 4, landmarks[5]);
        Assert.Equal(-3f, landmarks[10]);
    }

    [Fact]
    public void TheWindowShrinksAtTheHeatmapsBorder()
    {
        var heatmap = Heatmap();
        Set(heatmap, 0, 0, 0, 30f);
        Set(heatmap, 0, 0, 3, 30f);
        var landmarks = new float[Count * Stride];
        (landmarks[0], landmarks[1]) = (0.5f * 4, 0.5f * 4);

        Assert.Equal(1, HeatmapLandmarkRefiner.Refine(landmarks, Stride, Crop, heatmap, Size));
        Assert.Equal(1.5f * 4, landmarks[0], 1e-3f);
        Assert.Equal(0f, landmarks[1], 1e-3f);
        Assert.Throws<ArgumentException>(() => HeatmapLandmarkRefiner.Refine(landmarks, Stride, Crop, heatmap.AsSpan(1), Size));
    }

    [Fact]
    public void OnlyTheLandmarksGivenAreRefinedWithTheirOwnChannels()
    {
        var heatmap = Heatmap();
        Set(heatmap, 0, 30, 30, 30f);
        Set(heatmap, 1, 30, 31, 30f);
        var landmarks = new float[Count * Stride];
        (landmarks[0], landmarks[1], landmarks[5], landmarks[6]) = (30.5f * 4, 30.5f * 4, 30.5f * 4, 30.5f * 4);

        Assert.Equal(1, HeatmapLandmarkRefiner.Refine(landmarks.AsSpan(0, Stride), Stride, Crop, heatmap, Size));
        Assert.Equal((30f * 4, 30f * 4), (landmarks[0], landmarks[1]));
        Assert.Equal((30.5f * 4, 30.5f * 4), (landmarks[5], landmarks[6]));
        Assert.Throws<ArgumentException>(() => HeatmapLandmarkRefiner.Refine(new float[4 * Stride], Stride, Crop, heatmap, Size));
    }
}
