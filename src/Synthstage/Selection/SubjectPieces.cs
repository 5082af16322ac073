namespace Synthstage.Selection;

/// <summary>
/// After a region is split between the subject and an excluded thing, the subject's side may hold islands inside the
/// excluded part (a shadow on the table, darker than the table, is not of its colour): the subject is its largest
/// connected piece and the pieces at least a quarter that size (or holding this frame's points); the rest is excluded.
/// </summary>
/// <remarks>
/// The pieces are found as runs along rows joined to the runs they touch in the row above (union–find), so the work
/// goes with the number of runs, a few per row, rather than with the pixels: it runs on every frame an exclusion is
/// followed.
/// </remarks>
internal sealed class SubjectPieces
{
    private int[] _runStart = [];
    private int[] _runEnd = [];
    private int[] _runParent = [];
    private int[] _runSize = [];
    private int[] _rowFirstRun = [];
    private int _runCount;

    public void KeepLargest(Span<byte> owner, ReadOnlySpan<int> labels, int label, int width, int height, IReadOnlyList<int> pointPixels)
    {
        if (_rowFirstRun.Length != height + 1) _rowFirstRun = new int[height + 1];
        _runCount = 0;
        for (var y = 0; y < height; y++)
        {
            _rowFirstRun[y] = _runCount;
            var row = y * width;
            var above = y > 0 ? _rowFirstRun[y - 1] : 0;
            var aboveEnd = _runCount;
            for (var x = 0; x < width; x++)
            {
                if (!IsSubject(owner, labels, label, row + x)) continue;
                var start = x;
                while (x < width && IsSubject(owner, labels, label, row + x)) x++;
                var run = AddRun(row + start, row + x);
                // Runs of the row above that share a column with this one are the same piece.
                while (above < aboveEnd && _runEnd[above] - (row - width) <= start) above++;
                for (var a = above; a < aboveEnd && _runStart[a] - (row - width) < x; a++) Union(run, a);
            }
        }
        _rowFirstRun[height] = _runCount;
        if (_runCount == 0) return;

        var largest = 0;
        for (var r = 0; r < _runCount; r++) _runSize[r] = 0;
        for (var r = 0; r < _runCount; r++) _runSize[Root(r)] += _runEnd[r] - _runStart[r];
        for (var r = 0; r < _runCount; r++) largest = Math.Max(largest, _runSize[r]);
        // A root's size is made negative to mark its piece as kept.
        for (var r = 0; r < _runCount; r++)
            if (_runParent[r] == r && _runSize[r] * 4 >= largest) _runSize[r] = -_runSize[r];
        foreach (var p in pointPixels)
            if (RunAt(p) is var run and >= 0 && _runSize[Root(run)] > 0) _runSize[Root(run)] = -_runSize[Root(run)];
        for (var r = 0; r < _runCount; r++)
            if (_runSize[Root(r)] > 0) owner[_runStart[r].._runEnd[r]].Fill(GeodesicSplit.Excluded);
    }

    private static bool IsSubject(ReadOnlySpan<byte> owner, ReadOnlySpan<int> labels, int label, int i) =>
        labels[i] == label && owner[i] == GeodesicSplit.Subject;

    private int AddRun(int start, int end)
    {
        if (_runCount == _runStart.Length)
        {
            var size = Math.Max(256, _runCount * 2);
            Array.Resize(ref _runStart, size);
            Array.Resize(ref _runEnd, size);
            Array.Resize(ref _runParent, size);
            Array.Resize(ref _runSize, size);
        }
        (_runStart[_runCount], _runEnd[_runCount], _runParent[_runCount]) = (start, end, _runCount);
        return _runCount++;
    }

    private int Root(int run)
    {
        while (_runParent[run] != run) run = _runParent[run] = _runParent[_runParent[run]];
        return run;
    }

    private void Union(int a, int b)
    {
        var (ra, rb) = (Root(a), Root(b));
        if (ra != rb) _runParent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }

    /// <summary>The run holding mask pixel <paramref name="pixel"/>, or −1.</summary>
    private int RunAt(int pixel)
    {
        for (var r = 0; r < _runCount; r++)
            if (_runStart[r] <= pixel && pixel < _runEnd[r]) return r;
        return -1;
    }
}
