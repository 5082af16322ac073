using Synthstage.Walks;

namespace Synthstage.Studio;

/// <summary>One keyframe of a walk as the walks page lays it out.</summary>
/// <param name="Prompt">What the keyframe shows.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="Negative">What it should not show.</param>
/// <param name="Frames">Frames from this keyframe to the next (ignored on the last).</param>
public sealed record WalkKeyframeRequest(string Prompt, ulong Seed, string Negative = "", int Frames = 24);

/// <summary>
/// A walk video as the walks page sends it and the job store keeps it. <see cref="ToOptions"/> maps it onto the
/// engine's <see cref="WalkOptions"/> (keyframes, per-segment frames, size, fps, audio pacing), which the walk's resume
/// key and manifest describe; nothing here is a second description of a setting.
/// </summary>
public sealed record WalkRequest
{
    /// <summary>The most frames between two keyframes the studio accepts (a minute at 24 fps per segment is already long on a CPU).</summary>
    public const int MaxSegmentFrames = 1440;

    /// <summary>Two or more keyframes.</summary>
    public IReadOnlyList<WalkKeyframeRequest> Keyframes { get; init; } = [];

    /// <summary>Audio that paces the walk and is muxed in, relative to the data folder (an upload), or null.</summary>
    public string? Audio { get; init; }

    /// <summary>0..1: how much of a linear ramp is mixed into the audio-paced position.</summary>
    public double Smooth { get; init; } = 0.2;

    /// <summary>Frame width, a multiple of 8.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Frame height, a multiple of 8.</summary>
    public int Height { get; init; } = 512;

    /// <summary>Frames per second.</summary>
    public double Fps { get; init; } = 24;

    /// <summary>Denoising steps per frame.</summary>
    public int Steps { get; init; } = 25;

    /// <summary>Classifier-free guidance.</summary>
    public float Guidance { get; init; } = 7.5f;

    /// <summary>Scheduler name, or null for the model's.</summary>
    public string? Scheduler { get; init; }

    /// <summary>A diffusion catalog id or a model folder relative to the data folder; null for the default.</summary>
    public string? Model { get; init; }

    /// <summary>The engine's walk options writing to <paramref name="outputPath"/>; every setting is checked as <c>synthstage walk</c> checks it.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/> or <see cref="ExitCodes.BadInput"/>: fewer than two keyframes, an empty
    /// prompt, steps, guidance, size, fps or frames out of range, an unknown scheduler or model, audio not in the data folder.</exception>
    public WalkOptions ToOptions(StudioDataFolder folder, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (Keyframes.Count < 2) throw new SynthstageException($"a walk needs at least two keyframes (got {Keyframes.Count})", ExitCodes.Usage);
        for (var k = 0; k < Keyframes.Count; k++)
        {
            if (string.IsNullOrWhiteSpace(Keyframes[k]?.Prompt))
                throw new SynthstageException($"keyframe {k + 1} has an empty prompt: say what it should show", ExitCodes.Usage);
            if (k < Keyframes.Count - 1 && Keyframes[k].Frames is < 1 or > MaxSegmentFrames)
                throw new SynthstageException($"keyframe {k + 1}: frames to the next keyframe must be 1 to {MaxSegmentFrames} (got {Keyframes[k].Frames})", ExitCodes.Usage);
        }
        SceneRequest.CheckSteps(Steps);
        SceneRequest.CheckGuidance(Guidance);
        string? audio = null;
        if (!string.IsNullOrWhiteSpace(Audio))
        {
            audio = folder.Resolve(Audio);
            if (!File.Exists(audio)) throw new SynthstageException($"audio '{Audio}' is not in the data folder: upload it first", ExitCodes.BadInput);
        }
        var options = new WalkOptions
        {
            Keyframes = [.. Keyframes.Select(k => new WalkKeyframe(k.Prompt, k.Seed, k.Negative ?? ""))],
            Segments = [.. Keyframes.Take(Keyframes.Count - 1).Select(k => new WalkSegment { Frames = k.Frames })],
            Width = Width,
            Height = Height,
            FrameRate = Fps,
            Steps = Steps,
            GuidanceScale = Guidance,
            Scheduler = SceneRequest.SchedulerOf(Scheduler),
            AudioPath = audio,
            Smooth = Smooth,
            OutputPath = outputPath,
        };
        WalkPlan.Validate(options);
        return options;
    }

    /// <summary>The engine's model value (see <see cref="SceneModelChoice.Resolve"/>).</summary>
    public string? ModelValue(StudioDataFolder folder) => SceneModelChoice.Resolve(Model, folder);
}
