namespace Synthstage.Selection;

/// <summary>
/// The connected regions of a matte (4-connected, probability ≥ 0.5) at mask resolution: a label per pixel (−1 off
/// the matte), each region's area and centre. Buffers are reused from frame to frame.
/// </summary>
internal sealed class MaskComponents
{
    public const float On = 0.5f;

    private readonly List<int> _areas = [];
    private readonly List<(double X, double Y)> _sums = [];
    private readonly RowRuns _runs = new();
    private int[] _rootLabel = [];

    /// <summary>Label per pixel, −1 where the matte is off.</summary>
    public int[] Labels { get; private set; } = [];

    public int Count => _areas.Count;

    public int Width { get; private set; }

    public int Height { get; private set; }

    public int Area(int label) => _areas[label];

    /// <summary>The centre of a region in mask pixels.</summary>
    public (float X, float Y) Centre(int label) => ((float)(_sums[label].X / _areas[label]), (float)(_sums[label].Y / _areas[label]));

    /// <remarks>
    /// Regions are found as runs along rows joined to the runs they share a column with in the row above (union–find),
    /// so the work goes with the runs, a few per row, not with the pixels. Labels are numbered in the order their
    /// first pixel comes in a raster scan.
    /// </remarks>
    public void Find(ReadOnlySpan<float> mask, int width, int height)
    {
        var n = width * height;
        if (Labels.Length != n) Labels = new int[n];
        (Width, Height) = (width, height);
        Array.Fill(Labels, -1);
        _areas.Clear();
        _sums.Clear();
        _runs.Clear(width);
        for (var y = 0; y < height; y++)
        {
            var row = mask.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                if (!(row[x] >= On)) continue;
                var start = x;
                while (x < width && row[x] >= On) x++;
                _runs.Add(y, start, x);
            }
        }
        if (_rootLabel.Length < _runs.Count) _rootLabel = new int[_runs.Count * 2];
        Array.Fill(_rootLabel, -1, 0, _runs.Count);
        for (var r = 0; r < _runs.Count; r++)
        {
            var root = _runs.Root(r);
            if (_rootLabel[root] < 0)
            {
                _rootLabel[root] = _areas.Count;
                _areas.Add(0);
                _sums.Add((0, 0));
            }
            var label = _rootLabel[root];
            var (start, length) = (_runs.Start(r), _runs.End(r) - _runs.Start(r));
            var (y, x0) = (start / width, start % width);
            Labels.AsSpan(start, length).Fill(label);
            _areas[label] += length;
            var (sx, sy) = _sums[label];
            // The run's x goes from x0 to x0 + length − 1.
            _sums[label] = (sx + length * (x0 + (length - 1) / 2.0), sy + (double)length * y);
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
