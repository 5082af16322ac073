namespace Synthstage.Selection;

/// <summary>
/// Something the user pointed at with <c>--exclude</c> that is not a person: the connected part of the matte around
/// the point that is not a selected person's body, followed from frame to frame by its overlap with the previous
/// frame's region (and the point itself, for things that stay put, such as a table).
/// </summary>
internal sealed class ExclusionRegion
{
    private readonly SubjectPoint _point;
    private bool[] _region = [];
    private bool[] _next = [];
    private int[] _stack = [];

    public ExclusionRegion(SubjectPoint point) => _point = point;

    /// <summary>Zeroes the region in <paramref name="mask"/>; <paramref name="selected"/> is the selected people's probability (never excluded).</summary>
    public void Apply(Span<float> mask, ReadOnlySpan<float> selected, int maskWidth, int maskHeight, int frameWidth, int frameHeight)
    {
        var n = maskWidth * maskHeight;
        if (_region.Length != n) (_region, _next, _stack) = (new bool[n], new bool[n], new int[n]);
        Array.Clear(_next);
        var top = 0;
        bool Candidate(int i, ReadOnlySpan<float> m, ReadOnlySpan<float> s) => m[i] >= 0.5f && s[i] < 0.5f;
        var px = Math.Clamp((int)(_point.X * maskWidth / frameWidth), 0, maskWidth - 1);
        var py = Math.Clamp((int)(_point.Y * maskHeight / frameHeight), 0, maskHeight - 1);
        var seed = py * maskWidth + px;
        if (Candidate(seed, mask, selected)) { _next[seed] = true; _stack[top++] = seed; }
        for (var i = 0; i < n; i++)
            if (_region[i] && !_next[i] && Candidate(i, mask, selected)) { _next[i] = true; _stack[top++] = i; }
        while (top > 0)
        {
            var i = _stack[--top];
            var (x, y) = (i % maskWidth, i / maskWidth);
            if (x > 0) Visit(i - 1, mask, selected, ref top);
            if (x < maskWidth - 1) Visit(i + 1, mask, selected, ref top);
            if (y > 0) Visit(i - maskWidth, mask, selected, ref top);
            if (y < maskHeight - 1) Visit(i + maskWidth, mask, selected, ref top);
        }
        (_region, _next) = (_next, _region);
        for (var i = 0; i < n; i++)
            if (_region[i]) mask[i] = 0;
    }

    private void Visit(int i, ReadOnlySpan<float> mask, ReadOnlySpan<float> selected, ref int top)
    {
        if (_next[i] || mask[i] < 0.5f || selected[i] >= 0.5f) return;
        _next[i] = true;
        _stack[top++] = i;
    }
}
