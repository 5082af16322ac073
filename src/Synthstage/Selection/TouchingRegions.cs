namespace Synthstage.Selection;

/// <summary>
/// The parts of a matte (connected regions at probability ≥ 0.5) that touch the selected people's bodies: another
/// model's matte of a person often reaches what the pose model misses (held things, a torso whose face is out of
/// shot), and it stays whole as long as it touches the selected person somewhere.
/// </summary>
internal sealed class TouchingRegions
{
    private bool[] _kept = [];
    private int[] _stack = [];
    private int[] _members = [];

    /// <summary>Writes 1 into <paramref name="weights"/> for pixels of regions of <paramref name="mask"/> that hold a pixel where <paramref name="selected"/> ≥ 0.5, else 0.</summary>
    public void Find(ReadOnlySpan<float> mask, ReadOnlySpan<float> selected, Span<float> weights, int width, int height)
    {
        var n = width * height;
        if (_kept.Length != n) (_kept, _stack, _members) = (new bool[n], new int[n], new int[n]);
        Array.Clear(_kept);
        var visited = _kept;
        weights[..n].Clear();
        for (var start = 0; start < n; start++)
        {
            if (visited[start] || mask[start] < 0.5f) continue;
            var (top, count, touches) = (0, 0, false);
            visited[start] = true;
            _stack[top++] = start;
            while (top > 0)
            {
                var i = _stack[--top];
                _members[count++] = i;
                touches |= selected[i] >= 0.5f;
                var (x, y) = (i % width, i / width);
                if (x > 0) Push(i - 1, mask, ref top);
                if (x < width - 1) Push(i + 1, mask, ref top);
                if (y > 0) Push(i - width, mask, ref top);
                if (y < height - 1) Push(i + width, mask, ref top);
            }
            if (!touches) continue;
            for (var m = 0; m < count; m++) weights[_members[m]] = 1;
        }
    }

    private void Push(int j, ReadOnlySpan<float> mask, ref int top)
    {
        if (_kept[j] || mask[j] < 0.5f) return;
        _kept[j] = true;
        _stack[top++] = j;
    }
}
