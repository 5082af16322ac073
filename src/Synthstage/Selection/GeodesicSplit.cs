namespace Synthstage.Selection;

/// <summary>
/// Splits one connected matte region between two sets of seeds (the subject's and an exclusion's): every unassigned
/// pixel goes to the seed it reaches at the lower cost, a step costing more the more the colour changes, so the
/// border falls on the colour edge between them (a white table and the white shirt behind it) rather than halfway.
/// </summary>
internal sealed class GeodesicSplit
{
    /// <summary>Owner values.</summary>
    public const byte None = 0, Subject = 1, Excluded = 2;

    /// <summary>Colour difference (see <see cref="MaskColours.Difference(int, int)"/>) at which a step costs twice a flat one.</summary>
    private const float EdgeScale = 8f;

    private float[] _cost = [];
    private readonly PriorityQueue<int, float> _queue = new();

    /// <summary>Assigns every pixel of region <paramref name="label"/> whose <paramref name="owner"/> is <see cref="None"/> to the cheaper seed.</summary>
    public void Run(Span<byte> owner, ReadOnlySpan<int> labels, int label, MaskColours colours, int width, int height)
    {
        var n = width * height;
        if (_cost.Length != n) _cost = new float[n];
        _queue.Clear();
        for (var i = 0; i < n; i++)
        {
            if (labels[i] != label) continue;
            if (owner[i] == None) { _cost[i] = float.MaxValue; continue; }
            _cost[i] = 0;
            // Only seeds on the frontier start paths: inner seeds would be popped and go nowhere.
            if (HasUnassignedNeighbour(owner, labels, label, i, width, height)) _queue.Enqueue(i, 0);
        }
        while (_queue.TryDequeue(out var i, out var cost))
        {
            if (cost > _cost[i]) continue;
            var (x, y) = (i % width, i / width);
            if (x > 0) Relax(owner, labels, label, colours, i, i - 1, cost);
            if (x < width - 1) Relax(owner, labels, label, colours, i, i + 1, cost);
            if (y > 0) Relax(owner, labels, label, colours, i, i - width, cost);
            if (y < height - 1) Relax(owner, labels, label, colours, i, i + width, cost);
        }
    }

    private void Relax(Span<byte> owner, ReadOnlySpan<int> labels, int label, MaskColours colours, int from, int to, float cost)
    {
        if (labels[to] != label) return;
        var d = colours.Difference(from, to) / EdgeScale;
        var next = cost + 1 + d * d;
        if (next >= _cost[to]) return;
        _cost[to] = next;
        owner[to] = owner[from];
        _queue.Enqueue(to, next);
    }

    private static bool HasUnassignedNeighbour(ReadOnlySpan<byte> owner, ReadOnlySpan<int> labels, int label, int i, int width, int height)
    {
        var (x, y) = (i % width, i / width);
        return (x > 0 && labels[i - 1] == label && owner[i - 1] == None)
            || (x < width - 1 && labels[i + 1] == label && owner[i + 1] == None)
            || (y > 0 && labels[i - width] == label && owner[i - width] == None)
            || (y < height - 1 && labels[i + width] == label && owner[i + width] == None);
    }
}
