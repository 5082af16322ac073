namespace Synthstage.Pose;

/// <summary>
/// One person followed by a <see cref="MultiPersonTracker"/>: an id kept for as long as the tracker runs (a person who
/// is lost and re-acquired keeps it), where they were last seen, their landmarks, colours and segmentation.
/// </summary>
public sealed class PersonTrack
{
    internal const int ProbabilityValues = PoseLandmarkModel.InputSize * PoseLandmarkModel.InputSize;

    private readonly PoseLandmark[] _landmarks = new PoseLandmark[PoseLandmark.Count];
    private float[] _probabilities = new float[ProbabilityValues];
    private float[] _pendingProbabilities = new float[ProbabilityValues];

    internal PersonTrack(int id) => Id = id;

    /// <summary>The person's number, 1 for the first person found.</summary>
    public int Id { get; }

    /// <summary>True when the person was found in the last frame.</summary>
    public bool Visible { get; internal set; }

    /// <summary>
    /// True while the person is hidden behind someone next to them: <see cref="Visible"/> stays true and their last
    /// segmentation stands in, so what still shows of them stays keyed (at most <see cref="MultiPersonTracker.MaxHeldFrames"/>).
    /// </summary>
    public bool Held => HeldFrames > 0;

    internal int HeldFrames { get; set; }

    /// <summary>The crop the landmark model saw when the person was last found.</summary>
    public PoseRegion Region { get; private set; }

    /// <summary>The last frame number (from 0 since the tracker's reset) the person was found in.</summary>
    public int LastSeen { get; private set; } = -1;

    /// <summary>Pose flag when last found.</summary>
    public float Score { get; private set; }

    /// <summary>Hip centre in frame pixels when last found.</summary>
    public float HipX { get; private set; }

    /// <summary>Hip centre, y.</summary>
    public float HipY { get; private set; }

    /// <summary>Body radius in pixels (hip centre to the scale point) when last found.</summary>
    public float Radius { get; private set; }

    /// <summary>The 33 landmarks normalised to the frame, as last found (not smoothed).</summary>
    public ReadOnlySpan<PoseLandmark> Landmarks => _landmarks;

    /// <summary>The person's colours, a running average over confident frames.</summary>
    public AppearanceHistogram Appearance { get; } = new();

    internal PoseRegion Next { get; private set; }

    internal float VelocityX { get; private set; }

    internal float VelocityY { get; private set; }

    /// <summary>The landmarks' bounding box in frame pixels (clamped to the frame) when last found.</summary>
    public (float X, float Y, float Width, float Height) LandmarkBox(int frameWidth, int frameHeight)
    {
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var l in _landmarks)
        {
            if (l.Presence < 0.5f) continue;
            (minX, maxX) = (MathF.Min(minX, l.X), MathF.Max(maxX, l.X));
            (minY, maxY) = (MathF.Min(minY, l.Y), MathF.Max(maxY, l.Y));
        }
        if (minX > maxX) return (HipX, HipY, 0, 0);
        var (x0, y0) = (Math.Clamp(minX * frameWidth, 0, frameWidth), Math.Clamp(minY * frameHeight, 0, frameHeight));
        var (x1, y1) = (Math.Clamp(maxX * frameWidth, 0, frameWidth), Math.Clamp(maxY * frameHeight, 0, frameHeight));
        return (x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>Where the person should be in frame <paramref name="frame"/> if they kept moving as when last seen (at most a second ahead).</summary>
    internal (float X, float Y) Predict(int frame)
    {
        var gap = Math.Clamp(frame - LastSeen, 0, 30);
        return (HipX + VelocityX * gap, HipY + VelocityY * gap);
    }

    /// <summary>The person's probability at frame pixel (x, y) in the last frame: 0 when not found in it.</summary>
    public float ProbabilityAt(float x, float y) => Visible ? CropMaskProjection.At(_probabilities, Region, x, y) : 0;

    /// <summary>Writes the person's probability over the whole frame (zero outside their crop, or everywhere when not found in the last frame).</summary>
    public void WriteMask(Span<float> mask, int maskWidth, int maskHeight, int frameWidth, int frameHeight)
    {
        mask = mask[..(maskWidth * maskHeight)];
        if (!Visible)
        {
            mask.Clear();
            return;
        }
        CropMaskProjection.Write(_probabilities, Region, frameWidth, frameHeight, mask, maskWidth, maskHeight);
    }

    /// <summary>The buffer the next candidate's probabilities go into (committed by <see cref="Commit"/>).</summary>
    internal Span<float> PendingProbabilities => _pendingProbabilities;

    /// <summary>Marks the person lost: not in the frame until re-acquired.</summary>
    internal void Lose()
    {
        Visible = false;
        HeldFrames = 0;
    }

    /// <summary>Makes a candidate found in <paramref name="frame"/> the person's state.</summary>
    internal void Commit(in TrackCandidate candidate, int frame)
    {
        if (LastSeen >= 0 && frame > LastSeen)
        {
            // Hip positions jitter from frame to frame: the velocity is a running average, restarted after a gap.
            var (vx, vy) = (candidate.HipX - HipX, candidate.HipY - HipY);
            (VelocityX, VelocityY) = frame - LastSeen > 1 ? (0f, 0f) : (VelocityX + (vx - VelocityX) * 0.5f, VelocityY + (vy - VelocityY) * 0.5f);
        }
        (_probabilities, _pendingProbabilities) = (_pendingProbabilities, _probabilities);
        candidate.Landmarks.CopyTo(_landmarks);
        Region = candidate.Region;
        Next = candidate.Next;
        (HipX, HipY, Radius, Score) = (candidate.HipX, candidate.HipY, candidate.Radius, candidate.Score);
        LastSeen = frame;
        Visible = true;
        HeldFrames = 0;
        // Colours from confident frames only: a half-hidden person's crop holds whoever is in front.
        if (candidate.Score > 0.8f || !Appearance.IsKnown) Appearance.Blend(candidate.Appearance, Appearance.IsKnown ? 0.1f : 1f);
    }
}
