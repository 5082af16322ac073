namespace Synthstage.Selection;

/// <summary>
/// Splits one connected matte region between two sets of seeds (the subject's and an exclusion's): every unassigned
/// pixel goes to the seed it reaches at the lower cost, a step costing more the more the colour changes, so the
/// border falls on the colour edge between them (a white table and the white shirt behind it) rather than halfway.
/// </summary>
/// <remarks>
/// Costs are whole numbers (eighths of a flat step, capped), so the shortest paths come from a bucket queue (Dial's
/// algorithm) rather than a heap: one array slot per cost, pixels chained through it, no comparisons. It runs on
/// every frame an exclusion is followed, over up to a whole mask.
/// </remarks>
internal sealed class GeodesicSplit
{
    /// <summary>Owner values.</summary>
    public const byte None = 0, Subject = 1, Excluded = 2;

    /// <summary>Colour difference (see <see cref="MaskColours.Difference(int, int)"/>) at which a step costs twice a flat one.</summary>
    private const float EdgeScale = 8f;

    /// <summary>A step over flat colour, in cost units.</summary>
    private const int FlatStep = 8;

    /// <summary>
    /// The dearest step (a colour difference of about 180, already a hard edge: crossing it costs as much as 500
    /// flat steps, more than a mask is wide). One less than a power of two: the buckets form a ring of this size + 1.
    /// </summary>
    private const int MaxStep = 4095;

    private int[] _cost = [];
    private int[] _band = [];
    private bool[] _queued = [];
    private readonly int[] _bucketHead = new int[MaxStep + 1];
    private int[] _entryPixel = [];  // y << 16 | x
    private int[] _entryNext = [];
    private int _entryCount;

    /// <summary>Assigns every pixel of region <paramref name="label"/> whose <paramref name="owner"/> is <see cref="None"/> to the cheaper seed.</summary>
    public void Run(Span<byte> owner, ReadOnlySpan<int> labels, int label, MaskColours colours, int width, int height)
    {
        var n = width * height;
        if (_cost.Length != n) (_cost, _band, _queued, _entryPixel, _entryNext) = (new int[n], new int[n], new bool[n], new int[2 * n], new int[2 * n]);
        Array.Fill(_bucketHead, -1);
        _entryCount = 0;
        var pending = 0;
        var bandCount = 0;
        for (var y = 0; y < height; y++)
        for (int x = 0, i = y * width; x < width; x++, i++)
        {
            if (labels[i] != label) continue;
            if (owner[i] != None) { _cost[i] = 0; continue; }
            _cost[i] = int.MaxValue;
            _band[bandCount++] = y << 16 | x;
        }
        // Paths start from the seeds next to an unassigned pixel (inner seeds would be settled and go nowhere); the
        // unassigned pixels (a thin band where the previous frame's split is carried over) find them.
        Array.Clear(_queued);
        foreach (var packed in _band.AsSpan(0, bandCount))
        {
            var (x, y) = (packed & 0xFFFF, packed >> 16);
            var i = y * width + x;
            if (x > 0) pending += QueueSeed(owner, labels, label, x - 1, y, i - 1);
            if (x < width - 1) pending += QueueSeed(owner, labels, label, x + 1, y, i + 1);
            if (y > 0) pending += QueueSeed(owner, labels, label, x, y - 1, i - width);
            if (y < height - 1) pending += QueueSeed(owner, labels, label, x, y + 1, i + width);
        }
        // Every queued cost lies within MaxStep of the one being settled, so a ring of MaxStep + 1 buckets holds them apart.
        for (var cost = 0; pending > 0; cost++)
        {
            ref var head = ref _bucketHead[cost & MaxStep];
            while (head >= 0)
            {
                var entry = head;
                head = _entryNext[entry];
                pending--;
                var (x, y) = (_entryPixel[entry] & 0xFFFF, _entryPixel[entry] >> 16);
                var i = y * width + x;
                // A pixel queued again at a lower cost was settled then; this is its stale entry.
                if (_cost[i] != cost) continue;
                if (x > 0) pending += Relax(owner, labels, label, colours, i, x - 1, y, i - 1, cost);
                if (x < width - 1) pending += Relax(owner, labels, label, colours, i, x + 1, y, i + 1, cost);
                if (y > 0) pending += Relax(owner, labels, label, colours, i, x, y - 1, i - width, cost);
                if (y < height - 1) pending += Relax(owner, labels, label, colours, i, x, y + 1, i + width, cost);
            }
        }
    }

    private int Relax(Span<byte> owner, ReadOnlySpan<int> labels, int label, MaskColours colours, int from, int toX, int toY, int to, int cost)
    {
        if (labels[to] != label) return 0;
        var d = colours.Difference(from, to);
        var next = cost + (int)Math.Min(MaxStep, FlatStep + FlatStep * d * d / (EdgeScale * EdgeScale));
        if (next >= _cost[to]) return 0;
        _cost[to] = next;
        owner[to] = owner[from];
        Push(toX, toY, next);
        return 1;
    }

    /// <summary>Queues pixel (x, y); entries carry coordinates (16 bits each) so settling one needs no division.</summary>
    private void Push(int x, int y, int cost)
    {
        if (_entryCount == _entryPixel.Length)
        {
            Array.Resize(ref _entryPixel, _entryCount * 2);
            Array.Resize(ref _entryNext, _entryCount * 2);
        }
        ref var head = ref _bucketHead[cost & MaxStep];
        _entryPixel[_entryCount] = y << 16 | x;
        _entryNext[_entryCount] = head;
        head = _entryCount++;
    }

    private int QueueSeed(ReadOnlySpan<byte> owner, ReadOnlySpan<int> labels, int label, int x, int y, int i)
    {
        if (labels[i] != label || owner[i] == None || _queued[i]) return 0;
        _queued[i] = true;
        Push(x, y, 0);
        return 1;
    }
}
