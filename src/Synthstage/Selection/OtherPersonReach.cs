namespace Synthstage.Selection;

/// <summary>
/// Limits how much of the subject another person's segmentation may claim in one frame. The pose model segments whoever
/// is in its crop, so on a frame where two people stand close it can paint the subject beside someone as theirs (on the
/// crossing clip the walker's segmentation took the juggler's head for one frame). A person walking in front of the
/// subject covers them gradually, so a pixel the subject owned in the previous frame goes to another person only where
/// that person's previous body, moved as their hips moved, reaches within <see cref="Reach"/> pixels (the hips' own
/// jitter and a pixel of limb motion at mask resolution).
/// </summary>
internal sealed class OtherPersonReach
{
    /// <summary>Mask pixels a body's outline may move by in one frame beyond its hips' motion (limbs swinging).</summary>
    public const int Reach = 2;

    private const float OnBody = 0.5f;

    private readonly Dictionary<int, Body> _bodies = [];
    private float[] _next = [];
    private float[] _moved = [];
    private float[] _reached = [];
    private float[] _scratch = [];

    /// <summary>Forgets every body (the tracker restarted).</summary>
    public void Clear() => _bodies.Clear();

    /// <summary>
    /// Zeroes <paramref name="body"/> (person <paramref name="id"/>'s segmentation at mask resolution, hips at
    /// <paramref name="hipX"/>, <paramref name="hipY"/> in frame pixels) on the pixels of <paramref name="previousOwners"/>
    /// that were the subject's and lie beyond the person's reach from their body in frame <paramref name="frame"/> − 1,
    /// and remembers this frame's body for the next.
    /// </summary>
    public void Limit(int id, float hipX, float hipY, int frame, Span<float> body, ReadOnlySpan<byte> previousOwners, int maskWidth,
        int maskHeight, int frameWidth, int frameHeight)
    {
        var n = maskWidth * maskHeight;
        if (!_bodies.TryGetValue(id, out var last)) _bodies[id] = last = new Body();
        // The next frame's reach starts from this frame's whole segmentation, not the part left after this limit: a
        // limb that swings in front of the subject faster than the reach is taken out one frame late, not never.
        if (_next.Length < n) (_next, _moved, _reached, _scratch) = (new float[n], new float[n], new float[n], new float[n]);
        var next = _next.AsSpan(0, n);
        for (var i = 0; i < n; i++) next[i] = body[i] >= OnBody ? 1 : 0;
        if (last.Frame == frame - 1 && last.Mask.Length == n && previousOwners.Length == n)
        {
            var dx = (int)MathF.Round((hipX - last.HipX) * maskWidth / frameWidth);
            var dy = (int)MathF.Round((hipY - last.HipY) * maskHeight / frameHeight);
            var moved = _moved.AsSpan(0, n);
            Shift(last.Mask, moved, maskWidth, maskHeight, dx, dy);
            var reached = _reached.AsSpan(0, n);
            BinaryDilation.Apply(moved, reached, _scratch.AsSpan(0, n), maskWidth, maskHeight, Reach);
            for (var i = 0; i < n; i++)
                if (previousOwners[i] == GeodesicSplit.Subject && reached[i] == 0) body[i] = 0;
        }
        if (last.Mask.Length != n) last.Mask = new float[n];
        next.CopyTo(last.Mask);
        (last.HipX, last.HipY, last.Frame) = (hipX, hipY, frame);
    }

    private static void Shift(ReadOnlySpan<float> source, Span<float> destination, int width, int height, int dx, int dy)
    {
        destination.Clear();
        var (x0, x1) = (Math.Max(0, dx), Math.Min(width, width + dx));
        if (x0 >= x1) return;
        for (var y = Math.Max(0, dy); y < Math.Min(height, height + dy); y++)
            source.Slice((y - dy) * width + x0 - dx, x1 - x0).CopyTo(destination.Slice(y * width + x0, x1 - x0));
    }

    private sealed class Body
    {
        public float[] Mask = [];
        public float HipX, HipY;
        public int Frame = int.MinValue;
    }
}
