using System.Globalization;
using System.Numerics.Tensors;

namespace Synthstage.Selection;

/// <summary>
/// The subject as a region of the keying model's own matte (any segmenter: the selfie models, a fused or matting
/// model): the connected regions under the <c>--subject</c> points, followed from frame to frame by their overlap with
/// the previous frame's subject, minus the regions under <c>--exclude</c> points. Where an excluded thing is part of
/// the subject's region (a white table touching a white shirt) the region is split between the subject's and the
/// exclusion's pixels by a colour-aware geodesic competition (<see cref="GeodesicSplit"/>), seeded on later frames
/// by the previous frame's split. When nothing of the subject is left (it left the frame), nothing is keyed until a
/// region with its colours appears again (<see cref="RegionAppearance"/>), nearest where it was last seen.
/// All of it works at mask resolution (a few passes over ≤ 256×256 pixels a frame).
/// </summary>
internal sealed class RegionSelector
{
    /// <summary>A click this many mask pixels off the matte still picks the region there.</summary>
    /// <summary>How many mask pixels off the matte a click may land and still name the region nearest it.</summary>
    public const int Reach = 2;

    /// <summary>A region is still the subject when this share of it was the subject in the previous frame.</summary>
    private const float MinOverlap = 0.05f;

    /// <summary>A returning region must look at least this much like the subject (Bhattacharyya).</summary>
    private const float ReacquireSimilarity = 0.6f;

    /// <summary>Regions smaller than this share of the mask are not taken for the returning subject.</summary>
    private const float MinReacquireArea = 0.002f;

    private readonly MaskComponents _components = new();
    private readonly MaskColours _colours = new();
    private readonly GeodesicSplit _split = new();
    private readonly RegionAppearance _appearance = new();
    private readonly SubjectPieces _pieces = new();
    private readonly List<int> _pointPixels = [];
    private readonly List<ExcludedColour> _exclusions = [];
    private readonly string _modelName;
    private byte[] _owner = [];
    private byte[] _previous = [];
    private float[] _kept = [];
    private float[] _weights = [];
    private float[] _scratch = [];
    private bool[] _keptLabel = [];
    private byte[] _whole = [];

    /// <summary>A <see cref="_whole"/> value: the region is split, its pixels keep their owners.</summary>
    private const byte Split = 255;
    private int[] _seedsS = [];
    private int[] _seedsE = [];
    private int[] _overlap = [];
    private bool _subjectGiven;
    private (float X, float Y) _lastCentre;
    private int _typicalArea;
    private int _frames;
    private bool _coloursFresh;

    /// <summary>The subject's colours are measured every this many frames (and on every frame its colours are read anyway).</summary>
    private const int AppearanceEvery = 8;

    public RegionSelector(string modelName) => _modelName = modelName;

    /// <summary>True once a frame with points was seen: before it, mattes pass unchanged.</summary>
    public bool Active { get; private set; }

    /// <summary>True while the subject is out of the frame (nothing is keyed).</summary>
    public bool Lost { get; private set; }

    /// <summary>Subject pixels (mask resolution) in the last frame.</summary>
    public int SubjectArea { get; private set; }

    /// <summary>Mask width of the last frame (0 before the first).</summary>
    public int MaskWidth => _components.Width;

    /// <summary>Mask height of the last frame.</summary>
    public int MaskHeight => _components.Height;

    /// <summary>Each mask pixel's owner in the last frame (<see cref="GeodesicSplit.Subject"/> for the subject's); empty before the first.</summary>
    public ReadOnlySpan<byte> PreviousOwners => _previous.Length == MaskWidth * MaskHeight ? _previous : [];

    /// <summary>True when frame pixel (x, y) was the subject's in the last frame (or within <see cref="Reach"/> mask pixels of it).</summary>
    public bool WasSubjectAt(float x, float y, int frameWidth, int frameHeight)
    {
        var (w, h) = (MaskWidth, MaskHeight);
        if (w == 0 || _previous.Length != w * h) return false;
        var (mx, my) = ((int)(x * w / frameWidth), (int)(y * h / frameHeight));
        for (var dy = -Reach; dy <= Reach; dy++)
        for (var dx = -Reach; dx <= Reach; dx++)
        {
            var (px, py) = (mx + dx, my + dy);
            if (px >= 0 && py >= 0 && px < w && py < h && _previous[py * w + px] == GeodesicSplit.Subject) return true;
        }
        return false;
    }

    public void Restart()
    {
        Active = false;
        Lost = false;
        _subjectGiven = false;
        _exclusions.Clear();
        _appearance.Forget();
        _typicalArea = 0;
        _frames = 0;
        Array.Clear(_previous);
    }

    /// <summary>Confines <paramref name="mask"/> (the model's matte of this frame) to the subject; <paramref name="points"/> are this frame's.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: a <c>--subject</c> point on nothing the matte keys (the message says what is nearest).</exception>
    public void Apply(ReadOnlySpan<byte> frame, int frameWidth, int frameHeight, Span<float> mask, int maskWidth, int maskHeight, IReadOnlyList<SubjectPoint> points)
    {
        if (points.Count == 0 && !Active) return;
        var n = maskWidth * maskHeight;
        Ensure(n);
        var values = mask[..n];
        _components.Find(values, maskWidth, maskHeight);
        // Colours are read where they decide something: exclusions, a lost subject, points, and every
        // AppearanceEvery-th frame for the subject's appearance. The plain pointed path stays a few passes over the mask.
        _frames++;
        var colourFrame = _exclusions.Count > 0 || points.Count > 0 || Lost || _frames % AppearanceEvery == 0;
        if (colourFrame) _colours.Sample(frame, frameWidth, frameHeight, maskWidth, maskHeight);
        _coloursFresh = colourFrame;
        var labels = _components.Labels;
        var owner = _owner.AsSpan(0, n);
        owner.Clear();
        var count = _components.Count;
        if (_keptLabel.Length < count) (_keptLabel, _seedsS, _seedsE, _overlap) = (new bool[count * 2], new int[count * 2], new int[count * 2], new int[count * 2]);
        Array.Clear(_keptLabel, 0, count);

        foreach (var point in points.Where(p => p.Kind == SubjectPointKind.Exclude))
            _exclusions.Add(new ExcludedColour(point, MaskPixel(point, frameWidth, frameHeight), _colours, maskWidth, maskHeight));
        var subjects = points.Where(p => p.Kind == SubjectPointKind.Subject).ToList();
        _pointPixels.Clear();
        if (subjects.Count > 0)
        {
            // Points on this frame start the subject afresh: the regions under them.
            foreach (var point in subjects)
            {
                var (mx, my) = MaskPixel(point, frameWidth, frameHeight);
                var label = _components.At(mx, my, Reach);
                if (label < 0) throw new SynthstageException(NothingThere(point, frameWidth, frameHeight), ExitCodes.Usage);
                _keptLabel[label] = true;
                SeedAround(owner, labels, label, mx, my);
                _pointPixels.Add(my * maskWidth + mx);
            }
            _subjectGiven = true;
            Lost = false;
        }
        else if (_subjectGiven) FollowPrevious(owner, labels, count, n);
        else
        {
            // Only exclusions: everything the model keys is kept, but for them.
            Array.Fill(_keptLabel, true, 0, count);
            SeedFromPrevious(owner, labels, n, GeodesicSplit.Subject);
        }
        Active = true;
        SeedExclusions(owner, labels, n, points);
        Settle(owner, labels, count, n);

        var kept = _kept.AsSpan(0, n);
        for (var i = 0; i < n; i++) kept[i] = owner[i] == GeodesicSplit.Subject ? 1f : 0f;
        var subjectArea = (int)TensorPrimitives.Sum(kept);
        // The subject's pixels whole with a soft edge of two mask pixels around them, as the model drew it; an
        // excluded thing's pixels off even where that edge reaches them.
        var weights = _weights.AsSpan(0, n);
        BinaryDilation.Apply(kept, weights, _scratch, maskWidth, maskHeight, 2);
        TensorPrimitives.Multiply(values, weights, values);
        if (_exclusions.Count > 0) ClearExcluded(values, owner);
        Remember(owner, labels, subjectArea, n, colourFrame);
    }

    /// <summary>Zeroes the excluded pixels, a run at a time (only an exclusion or the split gives a pixel that owner).</summary>
    private static void ClearExcluded(Span<float> values, ReadOnlySpan<byte> owner)
    {
        for (var start = 0; start < owner.Length;)
        {
            var skip = owner[start..].IndexOf(GeodesicSplit.Excluded);
            if (skip < 0) return;
            start += skip;
            var run = owner[start..].IndexOfAnyExcept(GeodesicSplit.Excluded);
            var length = run < 0 ? owner.Length - start : run;
            values.Slice(start, length).Clear();
            start += length;
        }
    }

    /// <summary>The regions overlapping the previous frame's subject are the subject; none (it left): look for it coming back.</summary>
    private void FollowPrevious(Span<byte> owner, int[] labels, int count, int n)
    {
        Array.Clear(_overlap, 0, count);
        for (var i = 0; i < n; i++)
            if (labels[i] >= 0 && _previous[i] == GeodesicSplit.Subject) _overlap[labels[i]]++;
        var any = false;
        for (var c = 0; c < count; c++)
            if (_overlap[c] > 0 && _overlap[c] >= MinOverlap * _components.Area(c)) _keptLabel[c] = any = true;
        if (any)
        {
            SeedFromPrevious(owner, labels, n, GeodesicSplit.Subject);
            return;
        }
        Lost = true;
        // Just lost: this frame's colours were not read; the search starts with the next frame.
        if (!_coloursFresh) return;
        var returning = Reacquire(labels, count, n);
        if (returning < 0) return;
        Lost = false;
        _keptLabel[returning] = true;
        for (var i = 0; i < n; i++)
            if (labels[i] == returning && !NearExcluded(i)) owner[i] = GeodesicSplit.Subject;
    }

    /// <summary>The region that looks most like the subject (and is nearest where it was last seen), or −1.</summary>
    private int Reacquire(int[] labels, int count, int n)
    {
        var best = -1;
        var bestScore = float.MinValue;
        var diagonal = MathF.Sqrt(_components.Width * _components.Width + _components.Height * _components.Height);
        for (var c = 0; c < count; c++)
        {
            if (_components.Area(c) < MinReacquireArea * n) continue;
            var similarity = _appearance.Similarity(_colours, labels, c);
            if (similarity < ReacquireSimilarity) continue;
            var (x, y) = _components.Centre(c);
            var distance = MathF.Sqrt((x - _lastCentre.X) * (x - _lastCentre.X) + (y - _lastCentre.Y) * (y - _lastCentre.Y)) / diagonal;
            var score = similarity - 0.2f * distance;
            if (score > bestScore) (best, bestScore) = (c, score);
        }
        return best;
    }

    /// <summary>
    /// The previous frame's owners carried over as seeds where the matte still is: not along the old border (so it can
    /// move), and an old subject pixel that now has an excluded thing's colour (a hand moved off the table) or an old
    /// excluded pixel that no longer has it (a hand moved onto it) is left for the split to decide.
    /// </summary>
    private void SeedFromPrevious(Span<byte> owner, int[] labels, int n, byte kind)
    {
        var (w, h) = (_components.Width, _components.Height);
        var checkColour = _exclusions.Count > 0;
        for (var y = 0; y < h; y++)
        for (int x = 0, i = y * w; x < w; x++, i++)
        {
            if (_previous[i] != kind || labels[i] < 0 || (kind == GeodesicSplit.Subject && !_keptLabel[labels[i]])) continue;
            if (checkColour && ((x > 0 && Other(_previous[i - 1], kind)) || (x < w - 1 && Other(_previous[i + 1], kind))
                || (y > 0 && Other(_previous[i - w], kind)) || (y < h - 1 && Other(_previous[i + w], kind)))) continue;
            if (checkColour && (kind == GeodesicSplit.Subject ? NearExcluded(i) : !ShadeOfExcluded(i))) continue;
            owner[i] = kind;
        }
    }

    private static bool Other(byte previous, byte kind) => previous != kind && previous != GeodesicSplit.None;

    private void SeedExclusions(Span<byte> owner, int[] labels, int n, IReadOnlyList<SubjectPoint> points)
    {
        if (_exclusions.Count == 0) return;
        SeedFromPrevious(owner, labels, n, GeodesicSplit.Excluded);
        foreach (var exclusion in _exclusions)
        {
            // The point itself stays a seed for things that stay put (a table), unless something else covers it now.
            var (mx, my) = exclusion.Pixel;
            var label = _components.At(mx, my, Reach);
            if (label < 0) continue;
            var onItsFrame = points.Contains(exclusion.Point);
            var i = my * _components.Width + mx;
            if (labels[i] == label && !onItsFrame && !exclusion.IsNear(_colours, i)) continue;
            SeedAround(owner, labels, label, mx, my, GeodesicSplit.Excluded);
            if (onItsFrame) FloodNear(owner, labels, label, exclusion);
        }
    }

    /// <summary>On the frame an exclusion is given: everything of its colour connected to the point (a magic wand) seeds it.</summary>
    private void FloodNear(Span<byte> owner, int[] labels, int label, ExcludedColour exclusion)
    {
        var (w, h) = (_components.Width, _components.Height);
        var stack = new Stack<int>();
        for (var i = 0; i < owner.Length; i++)
            if (labels[i] == label && owner[i] == GeodesicSplit.Excluded) stack.Push(i);
        while (stack.TryPop(out var i))
        {
            var (x, y) = (i % w, i / w);
            Span<int> next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1];
            foreach (var j in next)
            {
                if (j < 0 || labels[j] != label || owner[j] != GeodesicSplit.None || !exclusion.IsNear(_colours, j)) continue;
                owner[j] = GeodesicSplit.Excluded;
                stack.Push(j);
            }
        }
    }

    /// <summary>Gives every pixel of the kept regions an owner: whole regions where one side has seeds, the split where both do.</summary>
    private void Settle(Span<byte> owner, int[] labels, int count, int n)
    {
        Array.Clear(_seedsS, 0, count);
        Array.Clear(_seedsE, 0, count);
        if (_exclusions.Count > 0)
            for (var i = 0; i < n; i++)
            {
                var c = labels[i];
                if (c < 0) continue;
                if (owner[i] == GeodesicSplit.Subject) _seedsS[c]++;
                else if (owner[i] == GeodesicSplit.Excluded) _seedsE[c]++;
            }
        if (_whole.Length < count) _whole = new byte[count * 2];
        for (var c = 0; c < count; c++)
        {
            if (_seedsE[c] > 0 && _seedsS[c] == 0 && _keptLabel[c]) SeedFarColours(owner, labels, c, n);
            if (_seedsE[c] > 0 && _seedsS[c] > 0)
            {
                _whole[c] = Split;
                _split.Run(owner, labels, c, _colours, _components.Width, _components.Height);
                _pieces.KeepLargest(owner, labels, c, _components.Width, _components.Height, _pointPixels);
            }
            else _whole[c] = _seedsE[c] > 0 ? GeodesicSplit.Excluded : _keptLabel[c] ? GeodesicSplit.Subject : GeodesicSplit.None;
        }
        // One pass for the regions that go whole; a region that was not the subject is off, whatever seeds reached it.
        for (var i = 0; i < n; i++)
        {
            var c = labels[i];
            if (c < 0) continue;
            var whole = _whole[c];
            if (whole != Split) owner[i] = whole;
            else if (!_keptLabel[c] && owner[i] == GeodesicSplit.Subject) owner[i] = GeodesicSplit.None;
        }
    }

    /// <summary>
    /// The excluded thing's region is kept but holds no subject seed (only exclusions were given, or the subject's
    /// carried seeds all took the excluded colour): its pixels clearly not of the excluded colours: its pixels clearly not of the excluded colours
    /// (hands, shadows in a shirt) seed what is kept, if there are enough of them to be something.
    /// </summary>
    private void SeedFarColours(Span<byte> owner, int[] labels, int label, int n)
    {
        var seeds = 0;
        for (var i = 0; i < n; i++)
            if (labels[i] == label && owner[i] == GeodesicSplit.None && IsFarFromExcluded(i)) seeds++;
        if (seeds < 0.05f * _components.Area(label)) return;
        for (var i = 0; i < n; i++)
            if (labels[i] == label && owner[i] == GeodesicSplit.None && IsFarFromExcluded(i)) owner[i] = GeodesicSplit.Subject;
        _seedsS[label] = seeds;
    }

    private void Remember(ReadOnlySpan<byte> owner, int[] labels, int subjectArea, int n, bool colourFrame)
    {
        owner.CopyTo(_previous);
        SubjectArea = subjectArea;
        if (!_subjectGiven || subjectArea == 0) return;
        _typicalArea = Math.Max(subjectArea, (int)(_typicalArea * 0.998f));
        if (!colourFrame) return;
        // Colours and place from frames showing (nearly) all of the subject: a half-visible one at the edge looks different.
        if (subjectArea < _typicalArea / 2) return;
        double sx = 0, sy = 0;
        var w = _components.Width;
        for (var i = 0; i < n; i++)
        {
            if (owner[i] != GeodesicSplit.Subject) continue;
            (sx, sy) = (sx + i % w, sy + i / w);
            labels[i] = int.MaxValue;
        }
        _lastCentre = ((float)(sx / subjectArea), (float)(sy / subjectArea));
        _appearance.Blend(_colours, labels, int.MaxValue, _appearance.IsKnown ? 0.1f : 1f);
    }

    // Loops, not lambdas: these run for every pixel of the subject.
    private bool NearExcluded(int i)
    {
        foreach (var e in _exclusions)
            if (e.IsNear(_colours, i)) return true;
        return false;
    }

    private bool ShadeOfExcluded(int i)
    {
        foreach (var e in _exclusions)
            if (e.IsShadeOf(_colours, i)) return true;
        return false;
    }

    private bool IsFarFromExcluded(int i)
    {
        foreach (var e in _exclusions)
            if (!e.IsFar(_colours, i)) return false;
        return true;
    }

    private void SeedAround(Span<byte> owner, int[] labels, int label, int mx, int my, byte kind = GeodesicSplit.Subject)
    {
        var (w, h) = (_components.Width, _components.Height);
        for (var dy = -Reach; dy <= Reach; dy++)
        for (var dx = -Reach; dx <= Reach; dx++)
        {
            var (x, y) = (mx + dx, my + dy);
            if (x < 0 || y < 0 || x >= w || y >= h || labels[y * w + x] != label) continue;
            owner[y * w + x] = kind;
        }
    }

    private (int X, int Y) MaskPixel(SubjectPoint point, int frameWidth, int frameHeight) => _components.PixelOf(point, frameWidth, frameHeight);

    /// <summary>What the matte keys nearest the point, in source pixels, for the one-line error.</summary>
    private string NothingThere(SubjectPoint point, int frameWidth, int frameHeight)
    {
        var given = $"{point.OptionName} {point}";
        if (_components.Count == 0)
            return $"{given}: the {_modelName} matte keys nothing in frame {point.Frame} (nothing to select there)";
        var (w, h) = (_components.Width, _components.Height);
        var (sx, sy) = ((float)frameWidth / w, (float)frameHeight / h);
        var (best, bestDistance) = (-1, float.MaxValue);
        var labels = _components.Labels;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0) continue;
            var (dx, dy) = (((i % w) + 0.5f) * sx - point.X, ((i / w) + 0.5f) * sy - point.Y);
            var d = dx * dx + dy * dy;
            if (d < bestDistance) (best, bestDistance) = (i, d);
        }
        var label = labels[best];
        var (cx, cy) = _components.Centre(label);
        return string.Create(CultureInfo.InvariantCulture,
            $"{given}: the {_modelName} matte keys nothing under the point in frame {point.Frame}; the nearest keyed region is {MathF.Sqrt(bestDistance):F0} px away (at {((best % w) + 0.5f) * sx:F0},{((best / w) + 0.5f) * sy:F0}; {_components.Area(label) * sx * sy:F0} px², centred at {(cx + 0.5f) * sx:F0},{(cy + 0.5f) * sy:F0})");
    }

    private void Ensure(int n)
    {
        if (_owner.Length == n) return;
        (_owner, _previous, _kept, _weights, _scratch) = (new byte[n], new byte[n], new float[n], new float[n], new float[n]);
    }

    /// <summary>An <c>--exclude</c> point and the colour of what it was given on (the mean over a few mask pixels around it).</summary>
    private sealed class ExcludedColour
    {
        private readonly (float R, float G, float B) _colour;
        private readonly float _near;

        public ExcludedColour(SubjectPoint point, (int X, int Y) pixel, MaskColours colours, int width, int height)
        {
            (Point, Pixel) = (point, pixel);
            var (r, g, b, count) = (0f, 0f, 0f, 0);
            var v = colours.Values;
            for (var y = Math.Max(0, pixel.Y - 2); y <= Math.Min(height - 1, pixel.Y + 2); y++)
            for (var x = Math.Max(0, pixel.X - 2); x <= Math.Min(width - 1, pixel.X + 2); x++)
            {
                var i = (y * width + x) * 3;
                (r, g, b, count) = (r + v[i], g + v[i + 1], b + v[i + 2], count + 1);
            }
            _colour = (r / count, g / count, b / count);
            var spread = 0f;
            for (var y = Math.Max(0, pixel.Y - 2); y <= Math.Min(height - 1, pixel.Y + 2); y++)
            for (var x = Math.Max(0, pixel.X - 2); x <= Math.Min(width - 1, pixel.X + 2); x++)
                spread += colours.Difference(y * width + x, _colour);
            // Within three times the spread around the point (at least a flat surface's shading) is its colour.
            _near = Math.Max(16f, 3 * spread / count);
        }

        public SubjectPoint Point { get; }

        public (int X, int Y) Pixel { get; }

        public bool IsNear(MaskColours colours, int i) => colours.Difference(i, _colour) <= _near;

        public bool IsFar(MaskColours colours, int i) => colours.Difference(i, _colour) > 2 * _near;

        /// <summary>
        /// The excluded colour in shade: a shadow falling on an excluded table is still the table. Compared at the
        /// colour's brightness (a shadow is bluer as well as darker, so the tolerance is wider); too dark is not a shade.
        /// </summary>
        public bool IsShadeOf(MaskColours colours, int i)
        {
            var v = colours.Values;
            var (r, g, b) = (v[i * 3], v[i * 3 + 1], v[i * 3 + 2]);
            var (sum, reference) = (r + g + b, _colour.R + _colour.G + _colour.B);
            if (sum < 0.6f * reference) return false;
            var k = reference / Math.Max(1, sum);
            var (dr, dg, db) = (r * k - _colour.R, g * k - _colour.G, b * k - _colour.B);
            return MathF.Abs(dr) + MathF.Abs(dg) + MathF.Abs(db) + 2 * MathF.Abs(dr - db) <= 4 * _near;
        }
    }
}
