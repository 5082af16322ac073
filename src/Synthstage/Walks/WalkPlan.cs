using System.Globalization;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Video.Resume;

namespace Synthstage.Walks;

/// <summary>
/// Which keyframes and interpolation position every frame of a walk uses, and with what steps and guidance: built
/// from <see cref="WalkOptions"/> after checking them, optionally paced by per-frame audio energy.
/// </summary>
/// <remarks>
/// Within segment i of F frames, frame j sits at t = (1 − smooth)·Eⱼ/E + smooth·j/F, where Eⱼ is the energy of the
/// segment's frames before j and E that of all F. Without audio (or in silence) t = j/F. The last frame of the walk is
/// the last keyframe at t = 0.
/// </remarks>
public sealed class WalkPlan
{
    private readonly float[] _positions;
    private readonly int[] _keyframeOfFrame;
    private readonly int[] _segmentStarts;

    private WalkPlan(WalkOptions options, int[] segmentFrames, float[]? energy)
    {
        SegmentFrames = segmentFrames;
        FrameCount = segmentFrames.Sum() + 1;
        _positions = new float[FrameCount];
        _keyframeOfFrame = new int[FrameCount];
        _segmentStarts = new int[segmentFrames.Length + 1];
        var start = 0;
        for (var s = 0; s < segmentFrames.Length; s++)
        {
            _segmentStarts[s] = start;
            var frames = segmentFrames[s];
            double total = 0;
            if (energy is not null) for (var j = 0; j < frames; j++) total += energy[start + j];
            double before = 0;
            for (var j = 0; j < frames; j++)
            {
                var linear = j / (double)frames;
                var paced = total > 1e-12 ? before / total : linear;
                _positions[start + j] = j == 0 ? 0f : (float)((1 - options.Smooth) * paced + options.Smooth * linear);
                _keyframeOfFrame[start + j] = s;
                if (energy is not null) before += energy[start + j];
            }
            start += frames;
        }
        _segmentStarts[^1] = start;
        _keyframeOfFrame[start] = segmentFrames.Length;
        Steps = Enumerable.Range(0, segmentFrames.Length).Select(s => options.Segments.ElementAtOrDefault(s)?.Steps ?? options.Steps).ToArray();
        Guidance = Enumerable.Range(0, segmentFrames.Length).Select(s => options.Segments.ElementAtOrDefault(s)?.GuidanceScale ?? options.GuidanceScale).ToArray();
    }

    /// <summary>Frames in the walk: ΣF + 1.</summary>
    public int FrameCount { get; }

    /// <summary>Frames of each segment.</summary>
    public IReadOnlyList<int> SegmentFrames { get; }

    /// <summary>Denoising steps of each segment (the last keyframe's frame uses the last segment's).</summary>
    public IReadOnlyList<int> Steps { get; }

    /// <summary>Guidance scale of each segment.</summary>
    public IReadOnlyList<float> Guidance { get; }

    /// <summary>Index of the first frame of each segment, and the last frame's index at the end.</summary>
    public IReadOnlyList<int> SegmentStarts => _segmentStarts;

    /// <summary>Interpolation position of every frame, 0 ≤ t &lt; 1.</summary>
    public IReadOnlyList<float> Positions => _positions;

    /// <summary>The keyframe a frame starts from (it moves towards the next one by <see cref="Positions"/>).</summary>
    public int KeyframeOf(int frame) => _keyframeOfFrame[frame];

    /// <summary>The segment whose settings a frame uses (the last frame uses the last segment's).</summary>
    public int SegmentOf(int frame) => Math.Min(_keyframeOfFrame[frame], SegmentFrames.Count - 1);

    /// <summary>Frames per segment implied by the options (before any audio is read).</summary>
    /// <exception cref="SynthstageException">The options are inconsistent (see <see cref="Validate"/>).</exception>
    public static int[] CountSegmentFrames(WalkOptions options)
    {
        var segments = options.Keyframes.Count - 1;
        if (options.SegmentTimes is { } times)
        {
            var frames = new int[segments];
            for (var s = 0; s < segments; s++)
            {
                frames[s] = (int)(Math.Round((times[s + 1] - times[0]) * options.FrameRate) - Math.Round((times[s] - times[0]) * options.FrameRate));
                if (frames[s] < 1)
                    throw new SynthstageException(
                        $"segment {s + 1} ({Seconds(times[s])} s → {Seconds(times[s + 1])} s) is shorter than one frame at {Seconds(options.FrameRate)} fps", ExitCodes.Usage);
            }
            return frames;
        }
        return Enumerable.Range(0, segments).Select(s => options.Segments.ElementAtOrDefault(s)?.Frames ?? options.FramesPerSegment).ToArray();
    }

    /// <summary>Where the walk's audio starts in the audio file, in seconds.</summary>
    public static double AudioStartOf(WalkOptions options) => options.AudioStart ?? options.SegmentTimes?[0] ?? 0;

    /// <summary>
    /// Checks everything that can be checked without a model or audio: first what every diffusion run is checked for
    /// (<see cref="DiffusionInputValidator"/>: size, steps, guidance, memory), then keyframe count, frames, times,
    /// rates, output and frame folders, the audio file's existence.
    /// </summary>
    /// <exception cref="SynthstageException">The first problem found, in one line.</exception>
    public static void Validate(WalkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DiffusionInputValidator.CheckDenoising(options.Width, options.Height, options.Steps, options.GuidanceScale,
            DiffusionInputValidator.UNetRows(options.GuidanceScale, false, Math.Max(1, options.Batch)));
        var keyframes = options.Keyframes.Count;
        if (keyframes < 2)
            throw new SynthstageException($"a walk needs at least two keyframes (prompt and seed each); got {keyframes}", ExitCodes.Usage);
        foreach (var k in options.Keyframes)
            if (k is null || k.Prompt is null || k.NegativePrompt is null)
                throw new SynthstageException("every keyframe needs a prompt (\"\" for none) and a negative prompt (\"\" for none)", ExitCodes.Usage);
        if (options.Segments.Count != 0 && options.Segments.Count != keyframes - 1)
            throw new SynthstageException($"{options.Segments.Count} segment settings for {keyframes} keyframes; give one per segment ({keyframes - 1})", ExitCodes.Usage);
        if (!double.IsFinite(options.FrameRate) || options.FrameRate <= 0 || options.FrameRate > 240)
            throw new SynthstageException($"fps must be above 0 and at most 240; got {Seconds(options.FrameRate)}", ExitCodes.Usage);
        if (options.SegmentTimes is { } times)
        {
            if (times.Count != keyframes)
                throw new SynthstageException($"{times.Count} segment times for {keyframes} keyframes; give one time per keyframe", ExitCodes.Usage);
            for (var i = 0; i < times.Count; i++)
            {
                if (!double.IsFinite(times[i]) || times[i] < 0)
                    throw new SynthstageException($"segment time {Seconds(times[i])} must be a number of seconds ≥ 0", ExitCodes.Usage);
                if (i > 0 && times[i] <= times[i - 1])
                    throw new SynthstageException($"segment times must increase; {Seconds(times[i])} follows {Seconds(times[i - 1])}", ExitCodes.Usage);
            }
            if (options.AudioStart is not null)
                throw new SynthstageException("give either segment times (the audio then starts at the first) or an audio start, not both", ExitCodes.Usage);
        }
        else
        {
            if (options.FramesPerSegment < 1)
                throw new SynthstageException($"frames between keyframes must be at least 1; got {options.FramesPerSegment}", ExitCodes.Usage);
            for (var s = 0; s < options.Segments.Count; s++)
                if (options.Segments[s]?.Frames is < 1)
                    throw new SynthstageException($"frames between keyframes must be at least 1; segment {s + 1} has {options.Segments[s].Frames}", ExitCodes.Usage);
        }
        for (var s = 0; s < options.Segments.Count; s++)
        {
            if (options.Segments[s]?.Steps is < 1)
                throw new SynthstageException($"steps must be at least 1; segment {s + 1} has {options.Segments[s].Steps}", ExitCodes.Usage);
            if (options.Segments[s]?.GuidanceScale is { } g && (!float.IsFinite(g) || g < 0))
                throw new SynthstageException($"guidance must be a number ≥ 0; segment {s + 1} has {g.ToString(CultureInfo.InvariantCulture)}", ExitCodes.Usage);
        }
        if (options.Batch < 1) throw new SynthstageException($"batch must be at least 1; got {options.Batch}", ExitCodes.Usage);
        if (!double.IsFinite(options.Smooth) || options.Smooth is < 0 or > 1)
            throw new SynthstageException($"smooth must be between 0 and 1; got {Seconds(options.Smooth)}", ExitCodes.Usage);
        if (options.Upscale is < 1 or > 8) throw new SynthstageException($"upscale must be 1 to 8; got {options.Upscale}", ExitCodes.Usage);
        if (options.Upscale > 1 || options.Upscaler.Kind == Synthstage.Upscaling.UpscalerKind.Esrgan) Synthstage.Upscaling.UpscalerResolver.CheckFactor(options.Upscaler, options.Upscale);
        if (options.ChunkFrames < 1) throw new SynthstageException($"chunk frames must be at least 1; got {options.ChunkFrames}", ExitCodes.Usage);
        if (options.AudioStart is { } start && (!double.IsFinite(start) || start < 0))
            throw new SynthstageException($"audio start must be a number of seconds ≥ 0; got {Seconds(start)}", ExitCodes.Usage);
        if (options.AudioStart is not null && options.AudioPath is null)
            throw new SynthstageException("an audio start needs an audio file", ExitCodes.Usage);
        if (options.AudioPath is { } audio && !File.Exists(audio))
            throw new SynthstageException($"audio file '{audio}' does not exist", ExitCodes.BadInput);
        ResumableVideoOutput.CheckOutputPath(options.OutputPath, options.Encoder);
        if (options.FramesFolder is { } folder)
        {
            var parent = Path.GetDirectoryName(Path.GetFullPath(folder));
            if (parent is null || !Directory.Exists(parent))
                throw new SynthstageException($"the frames folder's parent '{parent}' does not exist", ExitCodes.BadOutput);
            if (File.Exists(folder)) throw new SynthstageException($"frames folder '{folder}' is a file", ExitCodes.BadOutput);
        }
        CountSegmentFrames(options);
    }

    /// <summary>Builds the plan; <paramref name="frameEnergy"/> (one value per frame, from <see cref="Pacing.PercussiveEnergy"/>) paces it, null for linear.</summary>
    /// <exception cref="SynthstageException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">The energy has the wrong length.</exception>
    public static WalkPlan Create(WalkOptions options, float[]? frameEnergy = null)
    {
        Validate(options);
        var frames = CountSegmentFrames(options);
        var plan = new WalkPlan(options, frames, null);
        if (frameEnergy is null) return plan;
        if (frameEnergy.Length != plan.FrameCount)
            throw new ArgumentException($"expected {plan.FrameCount} energy values, got {frameEnergy.Length}", nameof(frameEnergy));
        return new WalkPlan(options, frames, frameEnergy);
    }

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
