using System.Globalization;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Pose;

namespace Synthstage.Selection;

/// <summary>
/// Applies a <see cref="SubjectSelection"/> frame by frame. With a pose model as the keying model, a
/// <see cref="MultiPersonTracker"/> follows every person, the points on a frame pick the people to key (and to leave
/// out) from that frame on, and the matte is the selected people's own segmentation minus other people and excluded
/// regions. With any other model the subject is the model's own matte region under the points
/// (<see cref="RegionSelector"/>): followed by overlap, minus excluded regions, dropped while it is out of the frame
/// and found again by its colours; while other people are in the frame the tracker follows everyone and their bodies
/// are taken out of the matte first (<see cref="PeopleSeparation"/>). Call <see cref="Track"/> for every frame in order before the frame is segmented,
/// and <see cref="Restrict(ReadOnlySpan{byte}, Span{float}, int, int, bool)"/> after.
/// </summary>
public sealed class SubjectSelector : IDisposable
{
    private const float OnSubject = 0.5f;

    private SubjectSelection _selection;
    private readonly MultiPersonTracker _tracker;
    private readonly HashSet<int> _selected = [];
    private readonly HashSet<int> _excludedPeople = [];
    private readonly List<ExclusionRegion> _regions = [];
    private float[] _people = [];
    private float[] _others = [];
    private float[] _scratch = [];
    private int _lastFrame = -2;
    private bool _everyone;

    private readonly RegionSelector? _region;
    private readonly PeopleSeparation? _separation;
    private readonly PoseDetector? _probe;
    private IReadOnlyList<SubjectPoint> _framePoints = [];
    private int _frameWidth;
    private int _frameHeight;

    private SubjectSelector(SubjectSelection selection, MultiPersonTracker tracker, string trackerModel, RegionSelector? region, PoseDetector? probe)
    {
        _selection = selection;
        _tracker = tracker;
        TrackerModel = trackerModel;
        _region = region;
        _probe = probe;
        if (region is not null && probe is not null) _separation = new PeopleSeparation(tracker, probe, region);
    }

    /// <summary>Loads the tracker for <paramref name="keyingModel"/> (the model itself when it is a pose model, else <see cref="SubjectSelection.DefaultTracker"/>), installing it on first use.</summary>
    public static async Task<SubjectSelector> CreateAsync(SubjectSelection selection, string keyingModel, ModelStore store, SessionOptionsSpec session,
        PoseTrackerOptions? tracking, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var model = SubjectSelection.TrackerFor(keyingModel);
        var tracker = await CreateTrackerAsync(model, store, session, tracking, progress, ct).ConfigureAwait(false);
        // A pose model's matte is the tracked people's own segmentation; any other model's matte is selected by region.
        var region = PoseSegmenter.ModelNames.ContainsKey(keyingModel ?? "") ? null : new RegionSelector(keyingModel ?? "");
        PoseDetector? probe = null;
        try
        {
            // The region path takes other people out; while the subject is alone only a detector of its own runs.
            if (region is not null && selection.Points.Any(p => p.Kind == SubjectPointKind.Subject))
            {
                var (detectorPath, _) = await PoseModelInstaller.EnsureInstalledAsync(store, PoseSegmenter.ModelNames[model], progress, ct).ConfigureAwait(false);
                probe = PoseDetector.Create(detectorPath, session);
            }
            return new SubjectSelector(selection, tracker, model, region, probe);
        }
        catch
        {
            probe?.Dispose();
            tracker.Dispose();
            throw;
        }
    }

    /// <summary>Installs the pose models on first use and loads a multi-person tracker.</summary>
    public static async Task<MultiPersonTracker> CreateTrackerAsync(string poseModel, ModelStore store, SessionOptionsSpec session,
        PoseTrackerOptions? tracking, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (!PoseSegmenter.ModelNames.TryGetValue(poseModel, out var variant))
            throw new SynthstageException($"unknown pose model '{poseModel}'; use {string.Join(", ", PoseSegmenter.ModelNames.Keys)}", ExitCodes.Usage);
        var (detectorPath, landmarkPath) = await PoseModelInstaller.EnsureInstalledAsync(store, variant, progress, ct).ConfigureAwait(false);
        var detector = PoseDetector.Create(detectorPath, session);
        try
        {
            return new MultiPersonTracker(detector, PoseLandmarkModel.Create(landmarkPath, session), ownsModels: true, tracking);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>The first frame with points: tracking must start there for the selection to hold.</summary>
    public int FirstFrame => _selection.FirstFrame;

    /// <summary>The pose model that follows the people.</summary>
    public string TrackerModel { get; }

    /// <summary>The tracker (every person, visible or lost).</summary>
    public MultiPersonTracker Tracker => _tracker;

    /// <summary>True once a frame with points has been tracked: before it, mattes pass unchanged.</summary>
    public bool Active
    {
        get => _region?.Active ?? _active;
        private set => _active = value;
    }

    private bool _active;

    /// <summary>True when the subject is the keying model's own region under the points (any model but a pose model).</summary>
    public bool SelectsRegions => _region is not null;

    /// <summary>With <see cref="SelectsRegions"/>: true while the subject is out of the frame (nothing is keyed until it returns).</summary>
    public bool SubjectLost => _region?.Lost ?? false;

    /// <summary>
    /// With <see cref="SelectsRegions"/>: frames since the last restart on which the tracker ran to take other people
    /// out of the subject (only while someone besides the subject is in the frame; a lone subject costs a detector run
    /// every few frames).
    /// </summary>
    public int SeparationFrames => _separation?.TrackedFrames ?? 0;

    /// <summary>The separation of other people in the region path (null with a pose model, or without <c>--subject</c> points).</summary>
    internal PeopleSeparation? Separation => _separation;

    /// <summary>Ids of the people keyed from the last points on (empty when only exclusions were given: everyone else is keyed).</summary>
    public IReadOnlyCollection<int> Selected => _selected;

    /// <summary>Follows the people into frame <paramref name="frameIndex"/> and applies the points given on it.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: a <c>--subject</c> point on no person (the message names the nearest).</exception>
    public void Track(ReadOnlySpan<byte> frame, int width, int height, int frameIndex)
    {
        // A jump (a resumed render's warm-up, an unrelated image) starts the tracking again.
        if (frameIndex != _lastFrame + 1) Restart();
        _lastFrame = frameIndex;
        if (_region is not null)
        {
            // The region follows the subject by itself, after the frame is segmented.
            (_frameWidth, _frameHeight) = (width, height);
            _framePoints = [.. _selection.Points.Where(p => p.Frame == frameIndex)];
            _separation?.Track(frame, width, height, [.. _framePoints.Where(p => p.Kind == SubjectPointKind.Subject)]);
            return;
        }
        _tracker.Process(frame, width, height, 3);
        var points = _selection.Points.Where(p => p.Frame == frameIndex).ToList();
        if (points.Count > 0) ApplyPoints(frame, points, width, height);
    }

    /// <summary>
    /// Replaces the points with <paramref name="selection"/>'s and starts the tracking again: the studio's overlay keys
    /// each click's selection with the models it has loaded instead of loading them per click.
    /// </summary>
    public void Reselect(SubjectSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        _selection = selection;
        Restart();
    }

    /// <summary>Forgets the people and the selection: the next frame starts again.</summary>
    public void Restart()
    {
        _tracker.Reset();
        _region?.Restart();
        _separation?.Restart();
        _selected.Clear();
        _excludedPeople.Clear();
        _regions.Clear();
        Active = false;
        _everyone = false;
        _lastFrame = -2;
    }

    private void ApplyPoints(ReadOnlySpan<byte> frame, List<SubjectPoint> points, int width, int height)
    {
        var subjects = points.Where(p => p.Kind == SubjectPointKind.Subject).ToList();
        if (subjects.Count > 0)
        {
            _selected.Clear();
            foreach (var point in subjects)
            {
                // The detector finds people by their face; a body without one in shot is looked for at the point itself.
                var person = PersonAt(point, width, height)
                    ?? (_tracker.Seed(frame, 3, point.X + 0.5f, point.Y + 0.5f) is { } seeded && PersonAt(point, width, height) == seeded ? seeded : null)
                    ?? throw new SynthstageException(NothingThere(point, width, height), ExitCodes.Usage);
                _selected.Add(person.Id);
                _excludedPeople.Remove(person.Id);
            }
            _everyone = false;
        }
        else if (!Active) _everyone = true;
        foreach (var point in points.Where(p => p.Kind == SubjectPointKind.Exclude))
        {
            if (PersonAt(point, width, height, boxes: false) is { } person)
            {
                _excludedPeople.Add(person.Id);
                _selected.Remove(person.Id);
            }
            else _regions.Add(new ExclusionRegion(point));
        }
        Active = true;
    }

    /// <summary>The visible person under the point: the highest segmentation there, else the one whose landmark box holds it.</summary>
    private PersonTrack? PersonAt(SubjectPoint point, int width, int height, bool boxes = true)
    {
        var (x, y) = (point.X + 0.5f, point.Y + 0.5f);
        var best = _tracker.Tracks.Where(t => t.Visible).MaxBy(t => t.ProbabilityAt(x, y));
        if (best is not null && best.ProbabilityAt(x, y) >= OnSubject) return best;
        if (!boxes) return null;
        return _tracker.Tracks.Where(t => t.Visible).FirstOrDefault(t =>
        {
            var (bx, by, bw, bh) = t.LandmarkBox(width, height);
            return x >= bx && x <= bx + bw && y >= by && y <= by + bh;
        });
    }

    private string NothingThere(SubjectPoint point, int width, int height)
    {
        var given = $"{point.OptionName} {point}";
        var visible = _tracker.Tracks.Where(t => t.Visible).ToList();
        if (visible.Count == 0) return $"{given}: no person found in frame {point.Frame} (nothing to select there; `synthstage subjects INPUT --frame {point.Frame}` shows what is found)";
        var (nearest, distance) = visible.Select(t => (t, Distance(t.LandmarkBox(width, height), point.X, point.Y))).MinBy(p => p.Item2);
        var (bx, by, bw, bh) = nearest.LandmarkBox(width, height);
        return string.Create(CultureInfo.InvariantCulture,
            $"{given}: no person under the point in frame {point.Frame}; nearest is person {nearest.Id} (box {bx:F0},{by:F0} {bw:F0}×{bh:F0}, {distance:F0} px away)");
    }

    private static float Distance((float X, float Y, float Width, float Height) box, float x, float y)
    {
        var dx = Math.Max(0, Math.Max(box.X - x, x - box.X - box.Width));
        var dy = Math.Max(0, Math.Max(box.Y - y, y - box.Y - box.Height));
        return MathF.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>The kept people's probability (the selected ones, or everyone not excluded) over the whole frame.</summary>
    public void WriteSelected(Span<float> mask, int maskWidth, int maskHeight)
    {
        Ensure(maskWidth * maskHeight);
        var values = mask[..(maskWidth * maskHeight)];
        values.Clear();
        var one = _scratch.AsSpan(0, values.Length);
        foreach (var track in _tracker.Tracks)
        {
            if (!track.Visible || !IsKept(track)) continue;
            track.WriteMask(one, maskWidth, maskHeight, _tracker.FrameWidth, _tracker.FrameHeight);
            System.Numerics.Tensors.TensorPrimitives.Max(values, one, values);
        }
    }

    private bool IsKept(PersonTrack track) => !Active ? true : _everyone ? !_excludedPeople.Contains(track.Id) : _selected.Contains(track.Id);

    /// <summary>
    /// As <see cref="Restrict(Span{float}, int, int, bool)"/> for the frame <paramref name="frame"/> last passed to
    /// <see cref="Track"/>: with <see cref="SelectsRegions"/> the subject is the matte's region under the points,
    /// followed by overlap, minus excluded regions (split off by colour where they touch the subject).
    /// </summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: a <c>--subject</c> point on nothing the matte keys.</exception>
    public void Restrict(ReadOnlySpan<byte> frame, Span<float> mask, int maskWidth, int maskHeight, bool maskIsSelection)
    {
        if (_region is null)
        {
            Restrict(mask, maskWidth, maskHeight, maskIsSelection);
            return;
        }
        _separation?.Subtract(mask, maskWidth, maskHeight);
        _region.Apply(frame, _frameWidth, _frameHeight, mask, maskWidth, maskHeight, _framePoints);
    }

    /// <summary>
    /// Confines <paramref name="mask"/>, the kept people's segmentation (<see cref="WriteSelected"/>, <paramref name="maskIsSelection"/>
    /// true: the pose-model path), to the selection: other people's bodies and excluded regions are removed. Any other
    /// model's matte is selected by region (<see cref="Restrict(ReadOnlySpan{byte}, Span{float}, int, int, bool)"/>).
    /// </summary>
    public void Restrict(Span<float> mask, int maskWidth, int maskHeight, bool maskIsSelection)
    {
        if (_region is not null || !maskIsSelection) throw new InvalidOperationException("another model's matte is selected by region: call Restrict(frame, …)");
        if (!Active) return;
        var n = maskWidth * maskHeight;
        Ensure(n);
        var values = mask[..n];
        var people = _people.AsSpan(0, n);
        var others = _others.AsSpan(0, n);
        var one = _scratch.AsSpan(0, n);
        people.Clear();
        others.Clear();
        foreach (var track in _tracker.Tracks)
        {
            if (!track.Visible) continue;
            track.WriteMask(one, maskWidth, maskHeight, _tracker.FrameWidth, _tracker.FrameHeight);
            var into = IsKept(track) ? people : others;
            System.Numerics.Tensors.TensorPrimitives.Max(into, one, into);
        }
        // Another person's body is not the subject, where it is in front as where the selected crop saw it too.
        for (var i = 0; i < n; i++) values[i] *= 1 - others[i];
        foreach (var region in _regions) region.Apply(values, people, maskWidth, maskHeight, _tracker.FrameWidth, _tracker.FrameHeight);
    }

    private void Ensure(int n)
    {
        if (_people.Length >= n) return;
        (_people, _others, _scratch) = (new float[n], new float[n], new float[n]);
    }

    /// <summary>Releases the tracker and its models.</summary>
    public void Dispose()
    {
        _tracker.Dispose();
        _probe?.Dispose();
    }
}
