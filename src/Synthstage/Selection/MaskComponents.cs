namespace Synthstage.Selection;

/// <summary>
/// The connected regions of a matte (4-connected, probability ≥ 0.5) at mask resolution: a label per pixel (−1 off
/// the matte), each region's area and centre. Buffers are reused from frame to frame.
/// </summary>
internal sealed class MaskComponents
{
    public const float On = 0.5f;

    private int[] _stack = [];
    private readonly List<int> _areas = [];
    private readonly List<(double X, double Y)> _sums = [];

    /// <summary>Label per pixel, −1 where the matte is off.</summary>
    public int[] Labels { get; private set; } = [];

    public int Count => _areas.Count;

    public int Width { get; private set; }

    public int Height { get; private set; }

    public int Area(int label) => _areas[label];

    /// <summary>The centre of a region in mask pixels.</summary>
    public (float X, float Y) Centre(int label) => ((float)(_sums[label].X / _areas[label]), (float)(_sums[label].Y / _areas[label]));

    public void Find(ReadOnlySpan<float> mask, int width, int height)
    {
        var n = width * height;
        if (Labels.Length != n) (Labels, _stack) = (new int[n], new int[n]);
        (Width, Height) = (width, height);
        Array.Fill(Labels, -1);
        _areas.Clear();
        _sums.Clear();
        var labels = Labels;
        for (var start = 0; start < n; start++)
        {
            if (labels[start] >= 0 || mask[start] < On) continue;
            var label = _areas.Count;
            var (top, area, sx, sy) = (0, 0, 0.0, 0.0);
            labels[start] = label;
            _stack[top++] = start;
            while (top > 0)
            {
                var i = _stack[--top];
                var (x, y) = (i % width, i / width);
                area++;
                (sx, sy) = (sx + x, sy + y);
                if (x > 0 && labels[i - 1] < 0 && mask[i - 1] >= On) { labels[i - 1] = label; _stack[top++] = i - 1; }
                if (x < width - 1 && labels[i + 1] < 0 && mask[i + 1] >= On) { labels[i + 1] = label; _stack[top++] = i + 1; }
                if (y > 0 && labels[i - width] < 0 && mask[i - width] >= On) { labels[i - width] = label; _stack[top++] = i - width; }
                if (y < height - 1 && labels[i + width] < 0 && mask[i + width] >= On) { labels[i + width] = label; _stack[top++] = i + width; }
            }
            _areas.Add(area);
            _sums.Add((sx, sy));
        }
    }

    /// <summary>The mask pixel under <paramref name="point"/> (source pixels of a <paramref name="frameWidth"/>×<paramref name="frameHeight"/> frame).</summary>
    public (int X, int Y) PixelOf(SubjectPoint point, int frameWidth, int frameHeight) =>
        (Math.Clamp((int)((point.X + 0.5f) * Width / frameWidth), 0, Width - 1),
         Math.Clamp((int)((point.Y + 0.5f) * Height / frameHeight), 0, Height - 1));

    /// <summary>The region under mask pixel (x, y), or the nearest within <paramref name="reach"/> pixels (a click just off an edge); −1 if none.</summary>
    public int At(int x, int y, int reach)
    {
        var best = -1;
        var bestDistance = int.MaxValue;
        for (var dy = -reach; dy <= reach; dy++)
        for (var dx = -reach; dx <= reach; dx++)
        {
            var (px, py) = (x + dx, y + dy);
            if (px < 0 || py < 0 || px >= Width || py >= Height) continue;
            var label = Labels[py * Width + px];
            var distance = dx * dx + dy * dy;
            if (label >= 0 && distance < bestDistance) (best, bestDistance) = (label, distance);
        }
        return best;
    }
}
