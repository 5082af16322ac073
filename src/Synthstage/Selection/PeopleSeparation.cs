using System.Numerics.Tensors;
using Synthstage.Pose;

namespace Synthstage.Selection;

/// <summary>
/// Takes other people out of a region-selected subject (any keying model but a pose model): while someone besides the
/// pointed-at people is in the frame, a <see cref="MultiPersonTracker"/> follows everyone and the other people's own
/// segmentations are removed from the model's matte before <see cref="RegionSelector"/> follows the subject, so two
/// people whose mattes touch or cross are not kept together. The pointed-at person keeps their track id through a
/// crossing (the tracker re-acquires a lost person by their colours and does not switch).
/// <para>
/// A subject alone costs one detector run every <see cref="ProbeEvery"/> frames, not the tracker's landmark run per
/// person per frame: the tracker starts only when the detector finds someone who is not the subject, and stops again
/// once nobody but the subject has been seen for <see cref="Linger"/> frames.
/// </para>
/// </summary>
internal sealed class PeopleSeparation
{
    /// <summary>Frames between detector runs while the subject is alone.</summary>
    public const int ProbeEvery = 4;

    /// <summary>The tracker stops after this many frames in which it saw nobody but the subject.</summary>
    public const int Linger = 24;

    /// <summary>A track is the subject when this share of its body (probability ≥ 0.5) was the subject in the previous frame.</summary>
    private const float SubjectShare = 0.5f;

    private const float OnPerson = 0.5f;

    /// <summary>Another person's probability below which their body is not taken out of the matte, and at which it all is.</summary>
    private const float OtherRimStart = 0.45f, OtherCore = 0.7f;

    private readonly MultiPersonTracker _tracker;
    private readonly PoseDetector _probe;
    private readonly RegionSelector _region;
    private readonly MaskComponents _components = new();
    private readonly OtherPersonReach _reach = new();
    private readonly PoseDetection[] _detections = new PoseDetection[MultiPersonTracker.MaxTracks];
    private readonly HashSet<int> _selected = [];
    private readonly HashSet<int> _others = [];
    private float[] _people = [];
    private float[] _one = [];
    private float[] _scratch = [];
    private byte[] _sameBody = [];
    private bool _pointed;
    private IReadOnlyList<SubjectPoint>? _points;
    private byte[] _pointedRegion = [];
    private int _quiet;
    private int _sinceProbe;
    private (float X, float Y, float Radius)? _lastSubject;

    public PeopleSeparation(MultiPersonTracker tracker, PoseDetector probe, RegionSelector region)
    {
        _tracker = tracker;
        _probe = probe;
        _region = region;
    }

    /// <summary>True while the tracker runs (someone besides the subject is in the frame).</summary>
    public bool Tracking { get; private set; }

    /// <summary>Ids of the tracked people that are the subject (empty while not <see cref="Tracking"/>).</summary>
    public IReadOnlyCollection<int> Selected => _selected;

    /// <summary>How many frames the tracker ran on since the last <see cref="Restart"/> (what the separation cost).</summary>
    public int TrackedFrames { get; private set; }

    /// <summary>How many times the detector alone ran since the last <see cref="Restart"/>.</summary>
    public int Probes { get; private set; }

    public void Restart()
    {
        Stop();
        _pointed = false;
        _lastSubject = null;
        _sinceProbe = 0;
        TrackedFrames = 0;
        Probes = 0;
    }

    /// <summary>
    /// Follows the people into the next frame (before it is segmented). <paramref name="subjects"/> are this frame's
    /// <c>--subject</c> points: they pick the people under them and start the separation.
    /// </summary>
    public void Track(ReadOnlySpan<byte> frame, int width, int height, IReadOnlyList<SubjectPoint> subjects)
    {
        if (subjects.Count > 0)
        {
            Start(frame, width, height);
            foreach (var point in subjects)
                if (PersonAt(frame, point, width, height) is { } person) _selected.Add(person.Id);
            _pointed = true;
            // Everyone else is sorted once the frame's matte shows what the points are on (in Subtract).
            _points = subjects;
            return;
        }
        if (!_pointed) return;
        if (Tracking)
        {
            _tracker.Process(frame, width, height, 3);
            TrackedFrames++;
            Classify(_region.PreviousOwners, _region.MaskWidth, _region.MaskHeight, width, height);
            _quiet = OthersVisible() ? 0 : _quiet + 1;
            if (_quiet >= Linger) Stop();
            return;
        }
        // Alone: the detector alone every few frames, to notice someone entering. Who is who is decided against the
        // subject's region, so not while the subject is out of the frame.
        if (++_sinceProbe < ProbeEvery || _region.Lost || _region.SubjectArea == 0) return;
        _sinceProbe = 0;
        Probes++;
        var count = _probe.Detect(frame, width, height, 3, _detections);
        for (var d = 0; d < count; d++)
        {
            if (IsSubject(_detections[d], width, height)) continue;
            Start(frame, width, height);
            Classify(_region.PreviousOwners, _region.MaskWidth, _region.MaskHeight, width, height);
            if (!OthersVisible()) Stop();
            return;
        }
    }

    /// <summary>Removes the other people's bodies from <paramref name="mask"/> (the keying model's matte of the frame last tracked).</summary>
    public void Subtract(Span<float> mask, int maskWidth, int maskHeight)
    {
        if (!Tracking) return;
        var n = maskWidth * maskHeight;
        if (_people.Length < n) (_people, _one, _pointedRegion) = (new float[n], new float[n], new byte[n]);
        if (_points is { } points)
        {
            // The points' frame: a person whose body lies in the matte's region under the points is the subject
            // when nobody tracked is under the points themselves (a torso the landmark model fits loosely).
            _points = null;
            PointedRegion(mask, maskWidth, maskHeight, points);
            Classify(_pointedRegion.AsSpan(0, n), maskWidth, maskHeight, _tracker.FrameWidth, _tracker.FrameHeight);
            // Nobody else in the frame: the tracker is not needed until the detector finds someone.
            if (!OthersVisible())
            {
                Stop();
                return;
            }
        }
        var others = _people.AsSpan(0, n);
        var one = _one.AsSpan(0, n);
        others.Clear();
        var any = false;
        foreach (var track in _tracker.Tracks)
        {
            // A person hidden behind someone (held at their last segmentation) is not where their old pixels are:
            // those show whoever is in front, perhaps the subject.
            if (!track.Visible || track.Held || !_others.Contains(track.Id)) continue;
            track.WriteMask(one, maskWidth, maskHeight, _tracker.FrameWidth, _tracker.FrameHeight);
            _reach.Limit(track.Id, track.HipX, track.HipY, _tracker.Frame, one, _region.PreviousOwners, maskWidth, maskHeight, _tracker.FrameWidth, _tracker.FrameHeight);
            TensorPrimitives.Max(others, one, others);
            any = true;
        }
        if (!any) return;
        var values = mask[..n];
        // Another person's body is not the subject, where they are in front as where the matte merged them. Only
        // where their segmentation is fairly sure: its soft rim (below OtherRimStart) reaches over the subject beside
        // them, and taking that out too would take the subject's edge with it.
        for (var i = 0; i < n; i++) values[i] *= 1 - Math.Clamp((others[i] - OtherRimStart) * (1 / (OtherCore - OtherRimStart)), 0, 1);
    }

    private void Start(ReadOnlySpan<byte> frame, int width, int height)
    {
        _tracker.Reset();
        _reach.Clear();
        _selected.Clear();
        _others.Clear();
        _tracker.Process(frame, width, height, 3);
        TrackedFrames++;
        Tracking = true;
        _quiet = 0;
    }

    private void Stop()
    {
        if (Tracking)
            foreach (var track in _tracker.Tracks)
                if (track.Visible && _selected.Contains(track.Id)) _lastSubject = (track.HipX, track.HipY, track.Radius);
        Tracking = false;
        _tracker.Reset();
        _selected.Clear();
        _others.Clear();
        _points = null;
        _sinceProbe = 0;
    }

    private bool OthersVisible()
    {
        foreach (var track in _tracker.Tracks)
            if (track.Visible && _others.Contains(track.Id)) return true;
        return false;
    }

    /// <summary>
    /// Sorts people seen for the first time: one whose body lies mostly in <paramref name="subject"/> (pixels equal to
    /// <see cref="GeodesicSplit.Subject"/>, at mask resolution) is the subject — a pointed person the tracker did not
    /// find under the point, or one it gave a new id — unless a person known to be the subject is in view and this
    /// one's body is not mostly theirs (then it is someone merged with them); everyone else is another person.
    /// </summary>
    private void Classify(ReadOnlySpan<byte> subject, int maskWidth, int maskHeight, int width, int height)
    {
        PersonTrack? inView = null;
        foreach (var track in _tracker.Tracks)
            if (track.Visible && _selected.Contains(track.Id)) inView = track;
        foreach (var track in _tracker.Tracks)
        {
            if (!track.Visible || _selected.Contains(track.Id) || _others.Contains(track.Id)) continue;
            var isSubject = subject.Length > 0 && ShareIn(track, subject, maskWidth, maskHeight, width, height) >= SubjectShare
                && (inView is null || SameBody(track, inView, maskWidth, maskHeight, width, height));
            if (isSubject)
            {
                _selected.Add(track.Id);
                inView ??= track;
            }
            else _others.Add(track.Id);
        }
    }

    /// <summary>The share of the track's body (probability ≥ 0.5) on <paramref name="subject"/>'s subject pixels.</summary>
    private float ShareIn(PersonTrack track, ReadOnlySpan<byte> subject, int mw, int mh, int width, int height)
    {
        var n = mw * mh;
        var one = Scratch(n);
        track.WriteMask(one, mw, mh, width, height);
        var (body, inSubject) = (0, 0);
        for (var i = 0; i < n; i++)
        {
            if (one[i] < OnPerson) continue;
            body++;
            if (subject[i] == GeodesicSplit.Subject) inSubject++;
        }
        return body == 0 ? 0 : (float)inSubject / body;
    }

    /// <summary>True when most of <paramref name="track"/>'s body is <paramref name="other"/>'s too (the tracker followed one person twice).</summary>
    private bool SameBody(PersonTrack track, PersonTrack other, int mw, int mh, int width, int height)
    {
        var n = mw * mh;
        if (_sameBody.Length < n) _sameBody = new byte[n];
        var one = Scratch(n);
        other.WriteMask(one, mw, mh, width, height);
        for (var i = 0; i < n; i++) _sameBody[i] = one[i] >= OnPerson ? GeodesicSplit.Subject : GeodesicSplit.None;
        return ShareIn(track, _sameBody.AsSpan(0, n), mw, mh, width, height) >= SubjectShare;
    }

    private Span<float> Scratch(int n)
    {
        if (_scratch.Length < n) _scratch = new float[n];
        return _scratch.AsSpan(0, n);
    }

    /// <summary>The matte's regions under the points (picked as <see cref="RegionSelector"/> picks them), as <see cref="GeodesicSplit.Subject"/> pixels.</summary>
    private void PointedRegion(ReadOnlySpan<float> mask, int mw, int mh, IReadOnlyList<SubjectPoint> points)
    {
        var n = mw * mh;
        var region = _pointedRegion.AsSpan(0, n);
        region.Clear();
        _components.Find(mask[..n], mw, mh);
        var labels = _components.Labels.AsSpan(0, n);
        foreach (var point in points)
        {
            var (mx, my) = _components.PixelOf(point, _tracker.FrameWidth, _tracker.FrameHeight);
            var label = _components.At(mx, my, RegionSelector.Reach);
            if (label < 0) continue;
            for (var i = 0; i < n; i++)
                if (labels[i] == label) region[i] = GeodesicSplit.Subject;
        }
    }

    /// <summary>A detection is the subject when its face or hips are on the previous frame's subject, or it is where the subject's track last was.</summary>
    private bool IsSubject(in PoseDetection d, int width, int height)
    {
        var (faceX, faceY) = ((d.XMin + d.Width / 2) * width, (d.YMin + d.Height / 2) * height);
        if (_region.WasSubjectAt(faceX, faceY, width, height) || _region.WasSubjectAt(d.HipX * width, d.HipY * height, width, height)) return true;
        if (_lastSubject is not { } last) return false;
        var (dx, dy) = (d.HipX * width - last.X, d.HipY * height - last.Y);
        return MathF.Sqrt(dx * dx + dy * dy) < 0.6f * Math.Max(last.Radius, d.BodyRadius(width, height));
    }

    /// <summary>The visible person under the point (as the pose path picks them), looked for at the point when the detector missed them; or null.</summary>
    private PersonTrack? PersonAt(ReadOnlySpan<byte> frame, SubjectPoint point, int width, int height)
    {
        var (x, y) = (point.X + 0.5f, point.Y + 0.5f);
        if (Under(x, y, width, height) is { } found) return found;
        var seeded = _tracker.Seed(frame, 3, x, y);
        return seeded is not null && Under(x, y, width, height) == seeded ? seeded : null;
    }

    private PersonTrack? Under(float x, float y, int width, int height)
    {
        var best = _tracker.Tracks.Where(t => t.Visible).MaxBy(t => t.ProbabilityAt(x, y));
        if (best is not null && best.ProbabilityAt(x, y) >= OnPerson) return best;
        return _tracker.Tracks.Where(t => t.Visible).FirstOrDefault(t =>
        {
            var (bx, by, bw, bh) = t.LandmarkBox(width, height);
            return x >= bx && x <= bx + bw && y >= by && y <= by + bh;
        });
    }
}
