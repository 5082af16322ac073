using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Video;

namespace Synthstage.Scenes;

/// <summary>
/// Footage + prompt → the same person in a new scene: the scene is generated once (or taken from the cache) at the
/// model's native pixel count and the footage's aspect, enlarged to cover the frame, optionally moved over, and the
/// keyed-out subject is composited over it frame by frame with the audio kept.
/// </summary>
public static class SceneCompositeJob
{
    /// <summary>Renders the clip in its new scene.</summary>
    /// <param name="inputPath">A video or still image with a person in it.</param>
    /// <param name="output">Plain, or resumable (a video file a rerun with the same settings continues after an interruption).</param>
    /// <param name="scene">Prompt, seed, Stable Diffusion settings and camera move.</param>
    /// <param name="keying">Segmentation model, matte, encoder and audio settings; its store holds the scene cache.</param>
    /// <param name="look">Harmonisation and light wrap; null for neither.</param>
    /// <param name="progress">Generation ("load", "denoise", …) then per-frame ("render") progress.</param>
    /// <param name="ct">Cancels generation or the render; a plain output leaves nothing under its name.</param>
    /// <exception cref="SynthstageException">No diffusion model installed, bad settings, an output that cannot hold the input, or unreadable input
    /// — all but the model found before anything is generated.</exception>
    public static async Task<SceneRenderResult> RunAsync(string inputPath, RenderOutput output, SceneOptions scene, KeyingOptions keying,
        CompositeLook? look = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        look = CheckLook(look);
        // Check and probe first: bad settings or footage fail before minutes of generation, and the aspect decides the scene's size.
        var plan = await KeyedVideoRender.PrepareAsync(inputPath, output, keying, FramePixelFormat.Rgb24, ct).ConfigureAwait(false);
        var plate = await SceneGenerator.GetPlateAsync(scene, Aspect(plan.Input), keying.Store, progress, ct).ConfigureAwait(false);
        var enlarged = await PlateEnlargement.CreateAsync(plate, scene.PlateUpscale, scene.Motion, plan.FrameWidth, plan.FrameHeight, keying.Store, progress, ct)
            .ConfigureAwait(false);
        var render = await CompositeJob.RunAsync(plan, new GeneratedPlate(enlarged, scene.Motion), look, [scene], Record(scene, plate, enlarged), progress, ct)
            .ConfigureAwait(false);
        return new SceneRenderResult(render with { Warning = Join(plate.SizeNote, render.Warning) }, plate, enlarged);
    }

    /// <summary>
    /// Renders the clip in a walking scene: a walk through <see cref="SceneOptions.WalkPrompts"/> spread evenly over the clip,
    /// one generated background every <see cref="SceneOptions.WalkEvery"/> output frames, crossfaded between (see <see cref="WalkBackground"/>).
    /// The generated frames are cached by all parameters, so a second run generates nothing.
    /// </summary>
    /// <param name="inputPath">A video with a person in it.</param>
    /// <param name="output">Plain, or resumable (a video file a rerun with the same settings continues after an interruption).</param>
    /// <param name="scene">Two or more walk prompts, seed of the first, Stable Diffusion settings.</param>
    /// <param name="keying">Segmentation model, matte, encoder and audio settings; its store holds the walk cache.</param>
    /// <param name="look">Harmonisation and light wrap; null for neither.</param>
    /// <param name="progress">Walk generation then per-frame ("render") progress.</param>
    /// <param name="ct">Cancels generation (frames stored so far stay cached) or the render.</param>
    /// <exception cref="SynthstageException">Fewer than two prompts, a clip too short for them, no model, or unreadable input.</exception>
    public static async Task<SceneWalkRenderResult> RunWalkAsync(string inputPath, RenderOutput output, SceneOptions scene, KeyingOptions keying,
        CompositeLook? look = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        look = CheckLook(look);
        if (scene.WalkPrompts.Count < 2)
            throw new SynthstageException($"--background-motion walk needs two or more --prompt values (got {scene.WalkPrompts.Count})", ExitCodes.Usage);
        var plan = await KeyedVideoRender.PrepareAsync(inputPath, output, keying, FramePixelFormat.Rgb24, ct).ConfigureAwait(false);
        var walk = await SceneWalkFrames.GetAsync(scene, Aspect(plan.Input), plan.Input.FrameCount, keying.Store, progress, ct).ConfigureAwait(false);
        // The walk's frames are enlarged like a still plate: the super-resolution resolver's choice for the cover size.
        var needed = Math.Max((double)plan.FrameWidth / walk.Width, (double)plan.FrameHeight / walk.Height);
        var upscaler = await Upscaling.UpscalerResolver.ForScaleAsync(scene.PlateUpscale, needed, keying.Store, progress, ct).ConfigureAwait(false);
        var record = WalkRecord(scene, walk, upscaler);
        var render = await CompositeJob.RunAsync(plan, new WalkedFrames(walk, scene.WalkEvery, upscaler), look, [scene], record, progress, ct)
            .ConfigureAwait(false);
        return new SceneWalkRenderResult(render, walk) { Upscaler = upscaler };
    }

    /// <summary>Writes the composite of one frame (default: the middle) as a PNG, generating or reusing the scene first.</summary>
    /// <param name="inputPath">The footage.</param>
    /// <param name="outputPng">A .png file.</param>
    /// <param name="scene">Prompt, seed, settings and camera move (the frame's place in the move is used).</param>
    /// <param name="keying">Segmentation and matte settings.</param>
    /// <param name="look">Harmonisation and light wrap; null for neither.</param>
    /// <param name="frameIndex">Zero-based frame, or null for the middle one.</param>
    /// <param name="progress">Generation progress.</param>
    /// <param name="ct">Cancels the work.</param>
    public static async Task<SceneRenderResult> PreviewAsync(string inputPath, string outputPng, SceneOptions scene, KeyingOptions keying,
        CompositeLook? look = null, int? frameIndex = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(keying);
        look = CheckLook(look);
        CompositePreview.CheckArguments(outputPng, frameIndex);
        keying.Validate();
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        var plate = await SceneGenerator.GetPlateAsync(scene, Aspect(info), keying.Store, progress, ct).ConfigureAwait(false);
        var enlarged = await PlateEnlargement.CreateAsync(plate, scene.PlateUpscale, scene.Motion, info.DisplayWidth, info.DisplayHeight, keying.Store, progress, ct)
            .ConfigureAwait(false);
        var render = await CompositePreview.RenderAsync(inputPath, info, outputPng, new GeneratedPlate(enlarged, scene.Motion), keying, look, frameIndex,
            plate.Parameters.Where(p => p.Key != "Software").ToArray(), [scene], Record(scene, plate, enlarged), progress, ct).ConfigureAwait(false);
        return new SceneRenderResult(render with { Warning = Join(plate.SizeNote, render.Warning) }, plate, enlarged);
    }

    private static CompositeLook CheckLook(CompositeLook? look)
    {
        look ??= new CompositeLook();
        look.Validate();
        return look;
    }

    private static double Aspect(VideoInfo info) => (double)info.DisplayWidth / info.DisplayHeight;

    /// <summary>The manifest record: the subject is captured, the background generated from the prompt.</summary>
    private static Provenance.ProvenanceRecord Record(SceneOptions scene, ScenePlate plate, PlateEnlargement enlarged)
    {
        var record = new Provenance.ProvenanceRecord("composite")
            .AddPart("subject", "captured", "keyed out of the input footage by person segmentation")
            .AddPart("background", "synthetic", GeneratedPlate.Detail(scene.Motion, enlarged));
        foreach (var (name, value) in plate.Parameters)
            if (name is not ("Software" or "prompt" or "negative_prompt" or "seed")) record.Set("scene-" + name, value);
        record.Prompts.Add(new Provenance.Manifest.PromptRecord("background", scene.Prompt, scene.NegativePrompt.Length == 0 ? null : scene.NegativePrompt));
        record.Seeds.Add(scene.Seed);
        enlarged.Upscaler.AddModelTo(record, "scene super-resolution");
        return record;
    }

    private static Provenance.ProvenanceRecord WalkRecord(SceneOptions scene, SceneWalkFrames walk, Upscaling.ResolvedUpscaler upscaler)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var record = new Provenance.ProvenanceRecord("composite")
            .AddPart("subject", "captured", "keyed out of the input footage by person segmentation")
            .AddPart("background", "synthetic", WalkedFrames.Detail(upscaler))
            .Set("scene-size", $"{walk.Width}x{walk.Height}")
            .Set("scene-walk-frames", walk.Count.ToString(inv));
        for (var i = 0; i < scene.WalkPrompts.Count; i++)
        {
            record.Prompts.Add(new Provenance.Manifest.PromptRecord($"background keyframe {i + 1}", scene.WalkPrompts[i], scene.NegativePrompt.Length == 0 ? null : scene.NegativePrompt));
            record.Seeds.Add(scene.Seed + (ulong)i);
        }
        upscaler.AddModelTo(record, "scene super-resolution");
        return record;
    }

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : first + "; " + second;

    /// <summary>A generated plate behind the subject, still or moved over; the scene's own settings describe what it shows.</summary>
    private sealed class GeneratedPlate(PlateEnlargement enlarged, PlateMotion motion) : IBackgroundFactory
    {
        public static string Detail(PlateMotion motion, PlateEnlargement enlarged) =>
            "generated by Stable Diffusion from the prompt"
            + (enlarged.Upscaler.Kind == Upscaling.UpscalerKind.Esrgan ? $", super-resolved ×{enlarged.Upscaler.Factor} by ESRGAN ({enlarged.Upscaler.Name})" : "")
            + (motion.IsStill ? "" : ", moved over by a " + motion.Kind.ToString().ToLowerInvariant());

        public IBackgroundSource Create(int width, int height, int frameCount) => PlateBackground.Create(enlarged.Image, motion, width, height, frameCount);

        public void Describe(SettingsWriter writer) => writer.Add(motion).Add(enlarged);

        public (string Origin, string Detail) ManifestPart => ("synthetic", Detail(motion, enlarged));

        public string? SourceFile => null;
    }

    /// <summary>A walk through generated frames behind the subject; the scene's own settings describe the walk.</summary>
    private sealed class WalkedFrames(SceneWalkFrames walk, int every, Upscaling.ResolvedUpscaler upscaler) : IBackgroundFactory
    {
        public static string Detail(Upscaling.ResolvedUpscaler upscaler) =>
            "a Stable Diffusion walk through the prompts, crossfaded between generated frames"
            + (upscaler.Kind == Upscaling.UpscalerKind.Esrgan ? $", each super-resolved ×{upscaler.Factor} by ESRGAN ({upscaler.Name})" : "");

        public IBackgroundSource Create(int width, int height, int frameCount) =>
            new WalkBackground(walk.Folder, walk.Count, every, width, height, upscaler.CreateFrameUpscaler());

        public void Describe(SettingsWriter writer)
        {
            writer.Add("motion", "walk");
            // Only with an enlargement, so unfinished walking renders from before keep their resume key.
            if (upscaler.Factor == 1) return;
            if (upscaler.ModelPath is { } path) writer.AddFile(PlateEnlargement.SettingName, upscaler.Name, path);
            else writer.Add(PlateEnlargement.SettingName, upscaler.Name);
        }

        public (string Origin, string Detail) ManifestPart => ("synthetic", Detail(upscaler));

        public string? SourceFile => null;
    }
}
