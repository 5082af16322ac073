namespace Synthstage.Selection;

/// <summary>
/// Which subjects to key: points on them (<c>--subject</c>) and on things to leave out (<c>--exclude</c>). Empty means
/// the keying model's own choice (every person it sees). Points on a later frame change the selection from that frame
/// on; frames before the first point are keyed as without points.
/// </summary>
public sealed record SubjectSelection : ISettingsDescription
{
    /// <summary>The tracker that follows the people when the keying model is not itself a pose model.</summary>
    public const string DefaultTracker = "pose-full";

    /// <summary>The points, in the order given.</summary>
    public IReadOnlyList<SubjectPoint> Points { get; init; } = [];

    /// <summary>True without points.</summary>
    public bool IsEmpty => Points.Count == 0;

    /// <summary>The first frame a point is given on (0 without points).</summary>
    public int FirstFrame => IsEmpty ? 0 : Points.Min(p => p.Frame);

    /// <summary>The pose model that follows the people: the keying model when it is a pose model, else <see cref="DefaultTracker"/>.</summary>
    public static string TrackerFor(string keyingModel) =>
        Pose.PoseSegmenter.ModelNames.ContainsKey(keyingModel ?? "") ? keyingModel!.ToLowerInvariant() : DefaultTracker;

    /// <summary>Checks every point against the input once it is probed.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: a point outside the frame, past the last frame, or on a frame other than 0 of a still image.</exception>
    public void Validate(int width, int height, int frameCount, bool stillImage, bool frameCountExact, string inputName)
    {
        foreach (var point in Points)
        {
            var given = $"{point.OptionName} {point}";
            if (point.X < 0 || point.Y < 0 || point.X >= width || point.Y >= height)
                throw new SynthstageException($"{given} is outside the {width}×{height} frame of '{inputName}' (x 0–{width - 1}, y 0–{height - 1})", ExitCodes.Usage);
            if (stillImage && point.Frame != 0)
                throw new SynthstageException($"{given}: '{inputName}' is a still image, its only frame is 0", ExitCodes.Usage);
            if (frameCountExact && point.Frame >= frameCount)
                throw new SynthstageException($"{given} is past the end of '{inputName}' ({frameCount} frames: 0–{frameCount - 1})", ExitCodes.Usage);
        }
    }

    /// <summary>The points by kind and the tracker rule; nothing without points, so renders without points keep their keys.</summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (IsEmpty) return;
        string List(SubjectPointKind kind) => Points.Any(p => p.Kind == kind)
            ? string.Join(" ", Points.Where(p => p.Kind == kind).Select(p => p.ToString()))
            : "none";
        writer.Add("subject points", List(SubjectPointKind.Subject))
            .Add("exclude points", List(SubjectPointKind.Exclude))
            .Add("selection", $"the keying model's regions under the points, followed by overlap, other tracked people and excluded regions (split off by colour) taken out; a pose model keys BlazePose multi-person tracks ({DefaultTracker} follows the people otherwise)");
    }
}
