namespace Synthstage.Selection;

/// <summary>
/// After a region is split between the subject and an excluded thing, the subject's side may hold islands inside the
/// excluded part (a shadow on the table, darker than the table, is not of its colour): the subject is its largest
/// connected piece and the pieces at least a quarter that size (or holding this frame's points); the rest is excluded.
/// </summary>
internal sealed class SubjectPieces
{
    private int[] _piece = [];
    private int[] _stack = [];
    private readonly List<int> _sizes = [];

    public void KeepLargest(Span<byte> owner, ReadOnlySpan<int> labels, int label, int width, int height, IReadOnlyList<int> pointPixels)
    {
        var n = width * height;
        if (_piece.Length != n) (_piece, _stack) = (new int[n], new int[n]);
        _sizes.Clear();
        for (var i = 0; i < n; i++) _piece[i] = -1;
        for (var start = 0; start < n; start++)
        {
            if (labels[start] != label || owner[start] != GeodesicSplit.Subject || _piece[start] >= 0) continue;
            var piece = _sizes.Count;
            var (top, size) = (0, 0);
            _piece[start] = piece;
            _stack[top++] = start;
            while (top > 0)
            {
                var i = _stack[--top];
                size++;
                var (x, y) = (i % width, i / width);
                if (x > 0) Push(i - 1, piece, owner, labels, label, ref top);
                if (x < width - 1) Push(i + 1, piece, owner, labels, label, ref top);
                if (y > 0) Push(i - width, piece, owner, labels, label, ref top);
                if (y < height - 1) Push(i + width, piece, owner, labels, label, ref top);
            }
            _sizes.Add(size);
        }
        if (_sizes.Count <= 1) return;
        var largest = _sizes.Max();
        var keep = _sizes.Select(s => s * 4 >= largest).ToArray();
        foreach (var p in pointPixels)
            if (_piece[p] >= 0) keep[_piece[p]] = true;
        for (var i = 0; i < n; i++)
            if (_piece[i] >= 0 && !keep[_piece[i]]) owner[i] = GeodesicSplit.Excluded;
    }

    private void Push(int j, int piece, Span<byte> owner, ReadOnlySpan<int> labels, int label, ref int top)
    {
        if (labels[j] != label || owner[j] != GeodesicSplit.Subject || _piece[j] >= 0) return;
        _piece[j] = piece;
        _stack[top++] = j;
    }
}
