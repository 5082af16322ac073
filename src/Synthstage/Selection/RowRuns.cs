namespace Synthstage.Selection;

/// <summary>
/// Runs of pixels along the rows of a mask, joined into 4-connected pieces by union–find as they are added: a run
/// shares a piece with every run of the row above that has a column in common with it. Finding pieces this way costs
/// per run (a few a row), not per pixel. Each piece's root is its first run in raster order.
/// </summary>
internal sealed class RowRuns
{
    private int[] _start = [];
    private int[] _end = [];
    private int[] _parent = [];
    private int _width;
    private int _row = -1;
    private int _rowFirst;
    private int _aboveCursor;

    public int Count { get; private set; }

    /// <summary>First pixel of run <paramref name="run"/> (an index into the mask).</summary>
    public int Start(int run) => _start[run];

    /// <summary>One past the last pixel of run <paramref name="run"/>.</summary>
    public int End(int run) => _end[run];

    public void Clear(int width)
    {
        (_width, Count, _row, _rowFirst, _aboveCursor) = (width, 0, -1, 0, 0);
    }

    /// <summary>Adds the run of columns [<paramref name="x0"/>, <paramref name="x1"/>) of row <paramref name="y"/>; rows come in order, runs left to right.</summary>
    public int Add(int y, int x0, int x1)
    {
        if (y != _row)
        {
            // The row above is the previous row only if it was the one just before: a gap in between joins nothing.
            _aboveCursor = y == _row + 1 ? _rowFirst : Count;
            (_row, _rowFirst) = (y, Count);
        }
        if (Count == _start.Length)
        {
            var size = Math.Max(256, Count * 2);
            Array.Resize(ref _start, size);
            Array.Resize(ref _end, size);
            Array.Resize(ref _parent, size);
        }
        var run = Count++;
        (_start[run], _end[run], _parent[run]) = (y * _width + x0, y * _width + x1, run);
        var aboveOffset = (y - 1) * _width;
        while (_aboveCursor < _rowFirst && _end[_aboveCursor] - aboveOffset <= x0) _aboveCursor++;
        for (var a = _aboveCursor; a < _rowFirst && _start[a] - aboveOffset < x1; a++) Union(run, a);
        return run;
    }

    /// <summary>The first run (in raster order) of the piece holding <paramref name="run"/>.</summary>
    public int Root(int run)
    {
        while (_parent[run] != run) run = _parent[run] = _parent[_parent[run]];
        return run;
    }

    private void Union(int a, int b)
    {
        var (ra, rb) = (Root(a), Root(b));
        if (ra != rb) _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }
}
