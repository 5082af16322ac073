namespace Synthstage.Imaging;

/// <summary>
/// How much the picture changed between consecutive frames, per cell of a grid laid over the frame: the absolute
/// change of each cell's mean luma (BT.601 weights, 0..255). Area averaging over a cell removes most sensor and
/// compression noise, so a still background scores about 1 while a limb or ball crossing the cell scores tens.
/// Frames must be fed in order; call <see cref="Reset"/> between unrelated frames. Allocation-free per frame.
/// </summary>
public sealed class PictureMotion
{
    private readonly int _frameWidth, _frameHeight, _step;
    private readonly int[] _cellOfColumn;
    private readonly int[] _cellOfRow;
    private readonly float[] _inverseCount;
    private float[] _current;
    private float[] _previous;
    private bool _hasPrevious;

    /// <summary>Prepares a <paramref name="cellsX"/>×<paramref name="cellsY"/> grid over frames of frameWidth×frameHeight.</summary>
    /// <param name="frameWidth">Frame width.</param>
    /// <param name="frameHeight">Frame height.</param>
    /// <param name="cellsX">Cells across.</param>
    /// <param name="cellsY">Cells down.</param>
    /// <param name="sampleStep">
    /// Read every n-th pixel of every n-th row (at most as far apart as a cell is wide or high, so every cell is
    /// sampled): a watch that runs on every frame of a render needs the cell means, not every pixel.
    /// </param>
    public PictureMotion(int frameWidth, int frameHeight, int cellsX, int cellsY, int sampleStep = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cellsX, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cellsY, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cellsX, frameWidth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cellsY, frameHeight);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleStep, 1);
        (_frameWidth, _frameHeight, CellsX, CellsY) = (frameWidth, frameHeight, cellsX, cellsY);
        _step = Math.Min(sampleStep, Math.Min(frameWidth / cellsX, frameHeight / cellsY));
        _cellOfColumn = new int[frameWidth];
        for (var x = 0; x < frameWidth; x++) _cellOfColumn[x] = (int)((long)x * cellsX / frameWidth);
        _cellOfRow = new int[frameHeight];
        for (var y = 0; y < frameHeight; y++) _cellOfRow[y] = (int)((long)y * cellsY / frameHeight);
        var counts = new int[cellsX * cellsY];
        for (var y = 0; y < frameHeight; y += _step)
            for (var x = 0; x < frameWidth; x += _step)
                counts[_cellOfRow[y] * cellsX + _cellOfColumn[x]]++;
        _inverseCount = counts.Select(c => 1f / c).ToArray();
        _current = new float[cellsX * cellsY];
        _previous = new float[cellsX * cellsY];
    }

    /// <summary>Cells across.</summary>
    public int CellsX { get; }

    /// <summary>Cells down.</summary>
    public int CellsY { get; }

    /// <summary>Index of the cell holding frame pixel (<paramref name="x"/>, <paramref name="y"/>) in the change map.</summary>
    public int CellIndex(int x, int y) => _cellOfRow[y] * CellsX + _cellOfColumn[x];

    /// <summary>Forgets the previous frame: the next one reports no change.</summary>
    public void Reset() => _hasPrevious = false;

    /// <summary>
    /// Takes the next packed 8-bit frame (<paramref name="channels"/> bytes per pixel, RGB first) and writes each
    /// cell's |Δ mean luma| against the previous frame into <paramref name="change"/> (0 for the first frame).
    /// </summary>
    public void Next(ReadOnlySpan<byte> frame, int channels, Span<float> change)
    {
        var cells = CellsX * CellsY;
        if (frame.Length < _frameWidth * _frameHeight * channels) throw new ArgumentException("frame is smaller than the size given at construction", nameof(frame));
        if (change.Length < cells) throw new ArgumentException($"change holds {change.Length} values; the grid has {cells}", nameof(change));
        (_current, _previous) = (_previous, _current);
        var sums = _current.AsSpan();
        sums.Clear();
        var stride = _frameWidth * channels;
        var pixelStep = _step * channels;
        for (var y = 0; y < _frameHeight; y += _step)
        {
            var row = frame.Slice(y * stride, stride);
            var cellRow = sums.Slice(_cellOfRow[y] * CellsX, CellsX);
            for (int x = 0, i = 0; x < _frameWidth; x += _step, i += pixelStep)
                cellRow[_cellOfColumn[x]] += 0.299f * row[i] + 0.587f * row[i + 1] + 0.114f * row[i + 2];
        }
        for (var c = 0; c < cells; c++) sums[c] *= _inverseCount[c];
        if (!_hasPrevious)
        {
            change[..cells].Clear();
            _hasPrevious = true;
            return;
        }
        for (var c = 0; c < cells; c++) change[c] = MathF.Abs(_current[c] - _previous[c]);
    }
}
