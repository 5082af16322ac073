using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Models;
using Synthstage.Provenance;
using Synthstage.Video;
using Synthstage.Walks;

namespace Synthstage.Scenes;

/// <summary>The generated frames of a walking background, in their cache folder.</summary>
/// <param name="Folder">Holds <c>frame_000001.png</c> … (see <see cref="WalkBackground.FramePath"/>).</param>
/// <param name="Count">Generated frames.</param>
/// <param name="Width">Generated width (the scene size).</param>
/// <param name="Height">Generated height.</param>
/// <param name="FramesGenerated">Frames this call generated (0 when all came from the cache).</param>
public sealed record SceneWalkFrames(string Folder, int Count, int Width, int Height, int FramesGenerated)
{
    /// <summary>
    /// Generated frames needed for a clip of <paramref name="clipFrames"/> frames with one every <paramref name="every"/>:
    /// frames 0, every, 2·every, … up to and including the first at or past the clip's last frame.
    /// </summary>
    public static int CountFor(int clipFrames, int every) => (Math.Max(1, clipFrames) - 1 + every - 1) / every + 1;

    /// <summary>
    /// Generates (or finds in the cache) the walk through <see cref="SceneOptions.WalkPrompts"/>, its keyframes spread evenly
    /// over the clip. The cache folder is named by every parameter; an interrupted generation resumes from its stored frames.
    /// </summary>
    /// <param name="scene">Prompts (two or more), seed of the first, steps, guidance, scheduler, model, frames per generated one.</param>
    /// <param name="frameAspect">Footage width / height.</param>
    /// <param name="clipFrames">Frames in the clip.</param>
    /// <param name="store">Model store (its <c>cache/scene-walks</c> holds the frames unless <see cref="SceneOptions.CacheFolder"/> is set).</param>
    /// <param name="progress">"load", "encode" and "walk" progress.</param>
    /// <param name="ct">Cancels generation; frames stored so far are kept.</param>
    /// <exception cref="SynthstageException">Too few prompts, too short a clip for them, or no model.</exception>
    public static async Task<SceneWalkFrames> GetAsync(SceneOptions scene, double frameAspect, int clipFrames, ModelStore store,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(store);
        var prompts = scene.WalkPrompts;
        if (prompts.Count < 2)
            throw new SynthstageException($"--background-motion walk needs two or more --prompt values (got {prompts.Count})", ExitCodes.Usage);
        if (scene.WalkEvery < 1)
            throw new SynthstageException($"--walk-every must be at least 1 (got {scene.WalkEvery})", ExitCodes.Usage);
        var count = CountFor(clipFrames, scene.WalkEvery);
        var segments = prompts.Count - 1;
        if (count - 1 < segments)
            throw new SynthstageException(
                $"the clip has {clipFrames} frames: {count} generated backgrounds at --walk-every {scene.WalkEvery} cannot hold {prompts.Count} prompts; use a smaller --walk-every or fewer prompts",
                ExitCodes.Usage);

        var folder = await SceneGenerator.ResolveModelAsync(scene.Model, store, progress, ct).ConfigureAwait(false);
        var config = SceneModelConfig.Read(folder);
        var (width, height) = SceneSize.Choose(config.NativePixels, frameAspect, config.Alignment, StableDiffusionPipeline.MaxSide);
        var segmentFrames = Enumerable.Range(0, segments)
            .Select(i => (int)Math.Round((double)(i + 1) * (count - 1) / segments) - (int)Math.Round((double)i * (count - 1) / segments)).ToArray();

        var root = scene.CacheFolder ?? Path.Combine(store.Root, "cache", "scene-walks");
        var cache = Path.Combine(root, Key(ScenePlateCache.ModelIdentity(folder), scene, segmentFrames, width, height));
        var frames = Path.Combine(cache, "frames");
        var done = Path.Combine(cache, "walk.mp4");
        if (File.Exists(done)) return new SceneWalkFrames(frames, count, width, height, 0);

        Directory.CreateDirectory(cache);
        var walk = new WalkOptions
        {
            Keyframes = prompts.Select((p, i) => new WalkKeyframe(p, scene.Seed + (ulong)i, scene.NegativePrompt)).ToArray(),
            Segments = segmentFrames.Select(f => new WalkSegment { Frames = f }).ToArray(),
            Width = width,
            Height = height,
            Steps = scene.Steps,
            GuidanceScale = scene.GuidanceScale,
            Scheduler = scene.Scheduler,
            FrameRate = 24,
            OutputPath = done,
            FramesFolder = frames,
            Encoder = Media.EncoderSettings.Default with { Preset = "ultrafast" },
            ChunkFrames = 1,
            // An intermediate: the composite that uses it carries the provenance.
            Provenance = ProvenanceOptions.None,
        };
        var result = await WalkJob.RunAsync(folder, scene.Session, walk, null, progress, ct).ConfigureAwait(false);
        return new SceneWalkFrames(frames, count, width, height, result.FramesRendered);
    }

    private static string Key(string modelIdentity, SceneOptions scene, int[] segmentFrames, int width, int height)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder("scene-walk/1\n").Append(modelIdentity.Length).Append(':').Append(modelIdentity);
        foreach (var prompt in scene.WalkPrompts) text.Append(prompt.Length).Append(':').Append(prompt);
        text.Append(scene.NegativePrompt.Length).Append(':').Append(scene.NegativePrompt)
            .Append(inv, $"|{scene.Seed}|{scene.Steps}|{scene.GuidanceScale:R}|{scene.Scheduler}|{width}x{height}|{string.Join(",", segmentFrames)}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..24];
    }
}
