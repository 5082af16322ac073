using Synthstage.Provenance;

namespace Synthstage.Tests.Provenance;

public sealed class VisibleLabelTests
{
    [Fact]
    public void TheLabelChangesOnlyTheBottomRightCorner()
    {
        const int width = 640, height = 360;
        var frame = new byte[width * height * 3];
        Array.Fill(frame, (byte)200);
        VisibleLabel.Create("AI-generated", width, height).Apply(frame, width, 3);

        int minX = width, minY = height, maxX = 0, maxY = 0, bright = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var v = frame[(y * width + x) * 3];
                if (v == 200) continue;
                (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
                if (v > 230) bright++;
            }
        Assert.True(minX > width / 2 && minY > height * 3 / 4, $"label starts at ({minX}, {minY})");
        Assert.True(maxX < width - 1 && maxY < height - 1, "the label keeps a margin");
        Assert.InRange(maxY - minY + 1, 10, 30);
        Assert.True(bright > 50, $"{bright} white text pixels");
    }

    [Fact]
    public void AnEmptyLabelIsAUsageError()
    {
        var error = Assert.Throws<SynthstageException>(() => VisibleLabel.Create("  ", 100, 100));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }
}
