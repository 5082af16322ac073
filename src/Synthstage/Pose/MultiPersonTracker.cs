using System.Numerics.Tensors;

namespace Synthstage.Pose;

/// <summary>
/// Follows every person in the frame, each with their own crop, landmarks and segmentation (BlazePose's landmark
/// model run once per person), and keeps each person's id through crossings, overlaps and exits:
/// <list type="bullet">
/// <item>each visible person's next crop comes from their own alignment landmarks, as in <see cref="PoseTracker"/>;</item>
/// <item>two tracks that land on the same body (one person passed in front of the other and the crop slid onto
/// them) are one person: the track that jumped further from where its motion predicted loses and is marked lost;</item>
/// <item>the detector runs every <see cref="DetectEvery"/> frames, and every frame while someone is lost; a detection
/// no visible person explains becomes a candidate, re-acquired as the lost person it resembles most (colours, then
/// distance from where they were predicted to be) — or a new id when it resembles nobody lost.</item>
/// </list>
/// Feed frames in order; call <see cref="Reset"/> between unrelated images.
/// </summary>
public sealed class MultiPersonTracker : IDisposable
{
    /// <summary>The detector runs at least this often (frames) to notice people entering.</summary>
    public const int DetectEvery = 4;

    /// <summary>People followed at most; the longest lost is forgotten first.</summary>
    public const int MaxTracks = 8;

    /// <summary>Two tracks whose hip centres are closer than this share of the body radius follow the same person.</summary>
    private const float SamePersonDistance = 0.2f;

    /// <summary>A followed person's crop that lands further than this share of the body radius from their detection slid onto someone else.</summary>
    private const float SlideDistance = 0.15f;

    /// <summary>
    /// A person lost next to someone else (hidden as the other passes in front) keeps their last segmentation for
    /// up to this many frames while the crop keeps looking for them: the visible part of them stays keyed.
    /// </summary>
    public const int MaxHeldFrames = 24;

    /// <summary>A detection within this share of a visible person's body radius is that person.</summary>
    private const float MatchDistance = 0.6f;

    /// <summary>A lost person is re-acquired only by a body whose colours are at least this similar.</summary>
    private const float MinReacquireSimilarity = 0.6f;

    /// <summary>Lost people make the detector run every frame for this many frames.</summary>
    private const int SearchFrames = 90;

    private const int HipLandmark = 33;
    private const int ScaleLandmark = 34;

    private readonly PoseDetector _detector;
    private readonly PoseLandmarkModel _landmarkModel;
    private readonly bool _ownsModels;
    private readonly PoseDetection[] _detections = new PoseDetection[MaxTracks];
    private readonly List<PersonTrack> _tracks = [];
    private readonly List<(PersonTrack Track, TrackCandidate Candidate)> _found = [];
    private readonly List<PersonTrack> _failed = [];
    private int _width;
    private int _height;
    private readonly float[] _scratch = new float[PersonTrack.ProbabilityValues];
    private int _nextId = 1;

    /// <summary>Tracks with the given models; <paramref name="ownsModels"/> disposes them with the tracker.</summary>
    public MultiPersonTracker(PoseDetector detector, PoseLandmarkModel landmarkModel, bool ownsModels = true, PoseTrackerOptions? options = null)
    {
        _detector = detector;
        _landmarkModel = landmarkModel;
        _ownsModels = ownsModels;
        _landmarkModel.RefineFromHeatmap = (options ?? new PoseTrackerOptions()).HeatmapRefinement;
    }

    /// <summary>Everyone followed so far, visible or lost, in the order they were first found.</summary>
    public IReadOnlyList<PersonTrack> Tracks => _tracks;

    /// <summary>The last frame's number, from 0 after <see cref="Reset"/> (−1 before the first).</summary>
    public int Frame { get; private set; } = -1;

    /// <summary>What the detector found the last time it ran (normalised coordinates).</summary>
    public IReadOnlyList<PoseDetection> LastDetections { get; private set; } = [];

    /// <summary>How many times the detector ran so far.</summary>
    public int Detections { get; private set; }

    /// <summary>How many landmark-model runs the last frame took (one per person followed, plus one per new detection).</summary>
    public int LandmarkRuns { get; private set; }

    /// <summary>Frame width of the last frame.</summary>
    public int FrameWidth => _width;

    /// <summary>Frame height of the last frame.</summary>
    public int FrameHeight => _height;

    /// <summary>The track with this id, or null.</summary>
    public PersonTrack? Find(int id) => _tracks.Find(t => t.Id == id);

    /// <summary>Forgets everyone; ids start again at 1.</summary>
    public void Reset()
    {
        _tracks.Clear();
        _nextId = 1;
        Frame = -1;
    }

    /// <summary>Finds everyone in the next frame.</summary>
    public void Process(ReadOnlySpan<byte> frame, int width, int height, int channels)
    {
        if (width != _width || height != _height) Reset();
        (_width, _height) = (width, height);
        Frame++;
        LandmarkRuns = 0;
        _found.Clear();
        _failed.Clear();
        foreach (var track in _tracks)
        {
            if (!track.Visible) continue;
            if (TryRun(frame, channels, track.Next, track.PendingProbabilities, out var candidate)) _found.Add((track, candidate));
            else _failed.Add(track);
        }
        var detect = ShouldDetect();
        var unclaimed = detect ? DetectAndCorrect(frame, channels) : [];
        DropDuplicates();
        foreach (var (track, candidate) in _found) track.Commit(candidate, Frame);
        foreach (var track in _failed)
        {
            if (track.HeldFrames < MaxHeldFrames && _found.Exists(f => Distance(f.Track.HipX, f.Track.HipY, track.HipX, track.HipY) < f.Track.Radius + track.Radius))
                track.HeldFrames++;
            else track.Lose();
        }
        foreach (var detection in unclaimed) AddPerson(frame, channels, detection);
        // The detector finds people by their face: with nobody followed, look for a body anyway (a torso in shot, no face).
        if (detect && !_tracks.Exists(t => t.Visible) && LastDetections.Count == 0) Seed(frame, channels, _width / 2f, _height / 2f);
    }

    /// <summary>
    /// Looks for a person around a point the detector may have missed (a body whose face is out of shot): the landmark
    /// model on upright crops around the point (as large as the frame, then hips at the bottom edge). The person found
    /// becomes a track (re-acquired or new) when it is not one already followed.
    /// </summary>
    /// <returns>The person found, or null.</returns>
    public PersonTrack? Seed(ReadOnlySpan<byte> frame, int channels, float x, float y)
    {
        foreach (var region in PoseSearchRegions.Around(x, y, _width, _height))
        {
            if (!TryRun(frame, channels, region, _scratch, out var candidate)) continue;
            var followed = _tracks.Find(t => t.Visible && candidate.DistanceTo(t.HipX, t.HipY) < SamePersonDistance * Math.Max(t.Radius, candidate.Radius));
            if (followed is not null) return followed;
            var track = Reacquire(candidate, candidate.Appearance) ?? StartTrack();
            _scratch.CopyTo(track.PendingProbabilities);
            track.Commit(candidate, Frame);
            return track;
        }
        return null;
    }

    /// <summary>
    /// The detector runs on the first frame, every <see cref="DetectEvery"/> frames, every frame while someone is lost,
    /// and every frame while two people are close enough for one's crop to slide onto the other.
    /// </summary>
    private bool ShouldDetect()
    {
        if (_tracks.Count == 0 || Frame % DetectEvery == 0) return true;
        if (_tracks.Exists(t => t.Held || (!t.Visible && Frame - t.LastSeen <= SearchFrames))) return true;
        for (var i = 0; i < _found.Count; i++)
        for (var j = i + 1; j < _found.Count; j++)
        {
            var (a, b) = (_found[i].Candidate, _found[j].Candidate);
            if (a.DistanceTo(b.HipX, b.HipY) < 1.5f * (a.Radius + b.Radius)) return true;
        }
        return false;
    }

    /// <summary>
    /// Pairs each followed person with the detection nearest where their motion predicted them (one detection each);
    /// a person whose crop slid away from their detection (onto someone passing) is looked for again at the
    /// detection. Returns the detections nobody claimed.
    /// </summary>
    private List<PoseDetection> DetectAndCorrect(ReadOnlySpan<byte> frame, int channels)
    {
        Detections++;
        var count = _detector.Detect(frame, _width, _height, channels, _detections);
        LastDetections = _detections.AsSpan(0, count).ToArray();
        var unclaimed = new List<PoseDetection>(_detections.AsSpan(0, count).ToArray());
        var pairs = new List<(int Found, PoseDetection Detection, float Distance)>();
        for (var f = 0; f < _found.Count; f++)
        {
            var (px, py) = _found[f].Track.Predict(Frame);
            foreach (var d in unclaimed)
            {
                var distance = Distance(px, py, d.HipX * _width, d.HipY * _height);
                if (distance < MatchDistance * Math.Max(_found[f].Candidate.Radius, d.BodyRadius(_width, _height))) pairs.Add((f, d, distance));
            }
        }
        var claimedFound = new HashSet<int>();
        foreach (var (f, d, _) in pairs.OrderBy(p => p.Distance))
        {
            if (claimedFound.Contains(f) || !unclaimed.Contains(d)) continue;
            claimedFound.Add(f);
            unclaimed.Remove(d);
            var (track, candidate) = _found[f];
            var (hipX, hipY) = (d.HipX * _width, d.HipY * _height);
            if (candidate.DistanceTo(hipX, hipY) < SlideDistance * candidate.Radius) continue;
            var region = PoseRegion.FromAlignmentPoints(hipX, hipY, d.ScaleX * _width, d.ScaleY * _height);
            if (TryRun(frame, channels, region, track.PendingProbabilities, out var corrected)) _found[f] = (track, corrected);
        }
        // A detection of someone followed whose motion was not predicted well is still theirs, not a new person.
        unclaimed.RemoveAll(d => _found.Exists(f => f.Candidate.DistanceTo(d.HipX * _width, d.HipY * _height) < SamePersonDistance * f.Candidate.Radius));
        return unclaimed;
    }

    private void AddPerson(ReadOnlySpan<byte> frame, int channels, PoseDetection d)
    {
        var (hipX, hipY) = (d.HipX * _width, d.HipY * _height);
        var region = PoseRegion.FromAlignmentPoints(hipX, hipY, d.ScaleX * _width, d.ScaleY * _height);
        if (!TryRun(frame, channels, region, _scratch, out var candidate)) return;
        // A half-hidden person held at their last place is found again.
        var held = _tracks.Where(t => t.Held).MinBy(t => candidate.DistanceTo(t.HipX, t.HipY));
        if (held is not null && candidate.DistanceTo(held.HipX, held.HipY) < 0.5f * held.Radius
            && !_found.Exists(f => candidate.DistanceTo(f.Track.HipX, f.Track.HipY) < SamePersonDistance * f.Track.Radius))
        {
            _scratch.CopyTo(held.PendingProbabilities);
            held.Commit(candidate, Frame);
            return;
        }
        // The landmark model may have settled on someone already followed (the detection was of a half-hidden person).
        if (_tracks.Exists(t => t.Visible && candidate.DistanceTo(t.HipX, t.HipY) < SamePersonDistance * Math.Max(t.Radius, candidate.Radius))) return;
        var track = Reacquire(candidate, candidate.Appearance) ?? StartTrack();
        _scratch.CopyTo(track.PendingProbabilities);
        track.Commit(candidate, Frame);
    }

    /// <summary>The lost person a new body is, or null: the most similar in colour, nearer their predicted place breaking near-ties.</summary>
    private PersonTrack? Reacquire(in TrackCandidate candidate, AppearanceHistogram appearance)
    {
        PersonTrack? best = null;
        var bestScore = float.MinValue;
        foreach (var track in _tracks)
        {
            if (track.Visible) continue;
            var similarity = track.Appearance.Similarity(appearance);
            if (similarity < MinReacquireSimilarity) continue;
            var (px, py) = track.Predict(Frame);
            var score = similarity - 0.05f * candidate.DistanceTo(px, py) / Math.Max(1, track.Radius);
            if (score > bestScore) (best, bestScore) = (track, score);
        }
        return best;
    }

    private PersonTrack StartTrack()
    {
        if (_tracks.Count >= MaxTracks)
        {
            var oldest = _tracks.Where(t => !t.Visible).MinBy(t => t.LastSeen);
            if (oldest is not null) _tracks.Remove(oldest);
        }
        var track = new PersonTrack(_nextId++);
        _tracks.Add(track);
        return track;
    }

    /// <summary>Two candidates on one body: the one further from where its motion predicted was dragged there and failed this frame.</summary>
    private void DropDuplicates()
    {
        for (var i = 0; i < _found.Count; i++)
        for (var j = i + 1; j < _found.Count; j++)
        {
            var (a, ca) = _found[i];
            var (b, cb) = _found[j];
            if (ca.DistanceTo(cb.HipX, cb.HipY) >= SamePersonDistance * Math.Max(ca.Radius, cb.Radius)) continue;
            var (ax, ay) = a.Predict(Frame);
            var (bx, by) = b.Predict(Frame);
            var jumpA = ca.DistanceTo(ax, ay) / Math.Max(1, a.Radius);
            var jumpB = cb.DistanceTo(bx, by) / Math.Max(1, b.Radius);
            _failed.Add(jumpA > jumpB ? a : b);
            _found.RemoveAt(jumpA > jumpB ? i : j);
            i = -1;
            break;
        }
    }

    private bool TryRun(ReadOnlySpan<byte> frame, int channels, PoseRegion region, Span<float> probabilities, out TrackCandidate candidate)
    {
        LandmarkRuns++;
        _landmarkModel.Run(frame, _width, _height, channels, region);
        candidate = default;
        if (_landmarkModel.PoseFlag < PoseTracker.MinPoseFlag) return false;
        TensorPrimitives.Sigmoid(_landmarkModel.Segmentation, probabilities);
        var raw = _landmarkModel.Landmarks;
        var (hipX, hipY) = CropToFrame(region, raw, HipLandmark);
        var (scaleX, scaleY) = CropToFrame(region, raw, ScaleLandmark);
        var landmarks = new PoseLandmark[PoseLandmark.Count];
        for (var i = 0; i < PoseLandmark.Count; i++)
        {
            var (x, y) = CropToFrame(region, raw, i);
            var r = i * PoseLandmarkModel.ValuesPerLandmark;
            landmarks[i] = new PoseLandmark(x / _width, y / _height, raw[r + 2] / PoseLandmarkModel.InputSize * region.Size / _width,
                Sigmoid(raw[r + 3]), Sigmoid(raw[r + 4]));
        }
        // Colours right after the run: the model's input buffer holds only the last crop.
        candidate = new TrackCandidate(region, PoseRegion.FromAlignmentPoints(hipX, hipY, scaleX, scaleY), hipX, hipY,
            Distance(hipX, hipY, scaleX, scaleY), _landmarkModel.PoseFlag, landmarks, AppearanceHistogram.Measure(_landmarkModel.Input, probabilities));
        return true;
    }

    private static (float X, float Y) CropToFrame(PoseRegion region, float[] raw, int landmark)
    {
        var r = landmark * PoseLandmarkModel.ValuesPerLandmark;
        return region.ToFrame(raw[r] / PoseLandmarkModel.InputSize, raw[r + 1] / PoseLandmarkModel.InputSize);
    }

    private static float Distance(float x0, float y0, float x1, float y1) => MathF.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    /// <summary>Releases the models when the tracker owns them.</summary>
    public void Dispose()
    {
        if (!_ownsModels) return;
        _detector.Dispose();
        _landmarkModel.Dispose();
    }
}
