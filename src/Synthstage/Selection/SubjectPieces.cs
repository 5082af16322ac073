namespace Synthstage.Selection;

/// <summary>
/// After a region is split between the subject and an excluded thing, the subject's side may hold islands inside the
/// excluded part (a shadow on the table, darker than the table, is not of its colour): the subject is its largest
/// connected piece and the pieces at least a quarter that size (or holding this frame's points); the rest is excluded.
/// The pieces come from <see cref="RowRuns"/>: this runs on every frame an exclusion is followed.
/// </summary>
internal sealed class SubjectPieces
{
    private readonly RowRuns _runs = new();
    private int[] _size = [];

    public void KeepLargest(Span<byte> owner, ReadOnlySpan<int> labels, int label, int width, int height, IReadOnlyList<int> pointPixels)
    {
        _runs.Clear(width);
        for (var y = 0; y < height; y++)
        {
            var row = y * width;
            for (var x = 0; x < width; x++)
            {
                if (!IsSubject(owner, labels, label, row + x)) continue;
                var start = x;
                while (x < width && IsSubject(owner, labels, label, row + x)) x++;
                _runs.Add(y, start, x);
            }
        }
        var count = _runs.Count;
        if (count == 0) return;
        if (_size.Length < count) _size = new int[count * 2];
        Array.Clear(_size, 0, count);
        for (var r = 0; r < count; r++) _size[_runs.Root(r)] += _runs.End(r) - _runs.Start(r);
        var largest = 0;
        for (var r = 0; r < count; r++) largest = Math.Max(largest, _size[r]);
        // A root's size is made negative to mark its piece as kept.
        for (var r = 0; r < count; r++)
            if (_size[r] * 4 >= largest) _size[r] = -_size[r];
        foreach (var p in pointPixels)
        {
            if (RunAt(p) is not (var run and >= 0)) continue;
            var root = _runs.Root(run);
            _size[root] = -Math.Abs(_size[root]);
        }
        for (var r = 0; r < count; r++)
            if (_size[_runs.Root(r)] > 0) owner[_runs.Start(r).._runs.End(r)].Fill(GeodesicSplit.Excluded);
    }

    private static bool IsSubject(ReadOnlySpan<byte> owner, ReadOnlySpan<int> labels, int label, int i) =>
        labels[i] == label && owner[i] == GeodesicSplit.Subject;

    /// <summary>The run holding mask pixel <paramref name="pixel"/>, or −1.</summary>
    private int RunAt(int pixel)
    {
        for (var r = 0; r < _runs.Count; r++)
            if (_runs.Start(r) <= pixel && pixel < _runs.End(r)) return r;
        return -1;
    }
}
