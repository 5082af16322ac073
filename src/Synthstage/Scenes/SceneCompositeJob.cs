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
    /// <param name="outputPath">Output file; its extension picks the format unless <see cref="KeyingOptions.Format"/> is set.</param>
    /// <param name="scene">Prompt, seed, Stable Diffusion settings and camera move.</param>
    /// <param name="keying">Segmentation model, matte, encoder and audio settings; its store holds the scene cache.</param>
    /// <param name="look">Harmonisation and light wrap; null for neither.</param>
    /// <param name="progress">Generation ("load", "denoise", …) then per-frame ("render") progress.</param>
    /// <param name="ct">Cancels generation or the render; nothing is left under the output's name.</param>
    /// <exception cref="SynthstageException">No diffusion model installed, bad settings, or unreadable input.</exception>
    public static async Task<SceneRenderResult> RunAsync(string inputPath, string outputPath, SceneOptions scene, KeyingOptions keying,
        CompositeLook? look = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var (info, plate, checkedLook) = await PrepareAsync(inputPath, scene, keying, look, progress, ct).ConfigureAwait(false);
        var render = await CompositeJob.RunAsync(inputPath, outputPath,
            (w, h) => PlateBackground.Create(plate.Image, scene.Motion, w, h, info.FrameCount),
            keying with { ProvenanceRecord = Record(scene, plate), ResumeParameters = ResumeParameters(scene, checkedLook, plate.CachePath) },
            checkedLook, progress, ct).ConfigureAwait(false);
        return new SceneRenderResult(render with { Warning = Join(plate.SizeNote, render.Warning) }, plate);
    }

    /// <summary>
    /// Renders the clip in a walking scene: a walk through <see cref="SceneOptions.WalkPrompts"/> spread evenly over the clip,
    /// one generated background every <see cref="SceneOptions.WalkEvery"/> output frames, crossfaded between (see <see cref="WalkBackground"/>).
    /// The generated frames are cached by all parameters, so a second run generates nothing.
    /// </summary>
    /// <param name="inputPath">A video with a person in it.</param>
    /// <param name="outputPath">Output file.</param>
    /// <param name="scene">Two or more walk prompts, seed of the first, Stable Diffusion settings.</param>
    /// <param name="keying">Segmentation model, matte, encoder and audio settings; its store holds the walk cache.</param>
    /// <param name="look">Harmonisation and light wrap; null for neither.</param>
    /// <param name="progress">Walk generation then per-frame ("render") progress.</param>
    /// <param name="ct">Cancels generation (frames stored so far stay cached) or the render.</param>
    /// <exception cref="SynthstageException">Fewer than two prompts, a clip too short for them, no model, or unreadable input.</exception>
    public static async Task<SceneWalkRenderResult> RunWalkAsync(string inputPath, string outputPath, SceneOptions scene, KeyingOptions keying,
        CompositeLook? look = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(keying);
        look ??= new CompositeLook();
        look.Validate();
        keying.Matte.Validate();
        if (scene.WalkPrompts.Count < 2)
            throw new SynthstageException($"--background-motion walk needs two or more --prompt values (got {scene.WalkPrompts.Count})", ExitCodes.Usage);
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        var walk = await SceneWalkFrames.GetAsync(scene, (double)info.DisplayWidth / info.DisplayHeight, info.FrameCount, keying.Store, progress, ct).ConfigureAwait(false);
        var render = await CompositeJob.RunAsync(inputPath, outputPath,
            (w, h) => new WalkBackground(walk.Folder, walk.Count, scene.WalkEvery, w, h), keying with { ProvenanceRecord = WalkRecord(scene, walk), ResumeParameters = ResumeParameters(scene, look, walk.Folder) },
            look, progress, ct).ConfigureAwait(false);
        return new SceneWalkRenderResult(render, walk);
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
        var (info, plate, checkedLook) = await PrepareAsync(inputPath, scene, keying, look, progress, ct).ConfigureAwait(false);
        var render = await CompositePreview.RenderAsync(inputPath, outputPng,
            (w, h) => PlateBackground.Create(plate.Image, scene.Motion, w, h, info.FrameCount), keying with { ProvenanceRecord = Record(scene, plate) },
            checkedLook, frameIndex,
            plate.Parameters.Where(p => p.Key != "Software").ToArray(), progress, ct).ConfigureAwait(false);
        return new SceneRenderResult(render with { Warning = Join(plate.SizeNote, render.Warning) }, plate);
    }

    private static async Task<(VideoInfo Info, ScenePlate Plate, CompositeLook Look)> PrepareAsync(string inputPath, SceneOptions scene,
        KeyingOptions keying, CompositeLook? look, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(keying);
        look ??= new CompositeLook();
        look.Validate();
        keying.Matte.Validate();
        // Probe first: bad footage fails before minutes of generation, and the aspect decides the scene's size.
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        var aspect = (double)info.DisplayWidth / info.DisplayHeight;
        var plate = await SceneGenerator.GetPlateAsync(scene, aspect, keying.Store, progress, ct).ConfigureAwait(false);
        return (info, plate, look);
    }

    /// <summary>The manifest record: the subject is captured, the background generated from the prompt.</summary>
    private static Provenance.ProvenanceRecord Record(SceneOptions scene, ScenePlate plate)
    {
        var record = new Provenance.ProvenanceRecord("composite")
            .AddPart("subject", "captured", "keyed out of the input footage by person segmentation")
            .AddPart("background", "synthetic", "generated by Stable Diffusion from the prompt" + (scene.Motion.IsStill ? "" : ", moved over by a " + scene.Motion.Kind.ToString().ToLowerInvariant()))
            .Set("scene-model", scene.Model ?? SceneOptions.DefaultModel);
        foreach (var (name, value) in plate.Parameters)
            if (name is not ("Software" or "prompt" or "negative_prompt" or "seed")) record.Set("scene-" + name, value);
        record.Prompts.Add(new Provenance.Manifest.PromptRecord("background", scene.Prompt, scene.NegativePrompt.Length == 0 ? null : scene.NegativePrompt));
        record.Seeds.Add(scene.Seed);
        return record;
    }

    /// <summary>What a resumed scene render must repeat (with the input and keying settings added by the render).</summary>
    private static System.Text.Json.Nodes.JsonObject ResumeParameters(SceneOptions scene, CompositeLook look, string background)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new System.Text.Json.Nodes.JsonObject
        {
            ["command"] = "composite --prompt",
            ["prompts"] = new System.Text.Json.Nodes.JsonArray((scene.WalkPrompts.Count > 0 ? scene.WalkPrompts : [scene.Prompt]).Select(p => (System.Text.Json.Nodes.JsonNode)p!).ToArray()),
            ["negative"] = scene.NegativePrompt,
            ["seed"] = scene.Seed.ToString(inv),
            ["steps"] = scene.Steps,
            ["guidance"] = scene.GuidanceScale.ToString("R", inv),
            ["scheduler"] = scene.Scheduler,
            ["model"] = scene.Model ?? SceneOptions.DefaultModel,
            ["motion"] = scene.WalkPrompts.Count > 0 ? $"walk every {scene.WalkEvery}" : $"{scene.Motion.Kind} {scene.Motion.Travel.ToString("R", inv)}",
            ["background"] = background,
            ["harmonize"] = look.Harmonize.ToString("R", inv),
            ["lightWrap"] = look.LightWrap.ToString("R", inv),
        };
    }

    private static Provenance.ProvenanceRecord WalkRecord(SceneOptions scene, SceneWalkFrames walk)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var record = new Provenance.ProvenanceRecord("composite")
            .AddPart("subject", "captured", "keyed out of the input footage by person segmentation")
            .AddPart("background", "synthetic", "a Stable Diffusion walk through the prompts, crossfaded between generated frames")
            .Set("scene-model", scene.Model ?? SceneOptions.DefaultModel)
            .Set("scene-size", $"{walk.Width}x{walk.Height}")
            .Set("scene-steps", scene.Steps.ToString(inv))
            .Set("scene-guidance", scene.GuidanceScale.ToString("R", inv))
            .Set("scene-walk-every", scene.WalkEvery.ToString(inv))
            .Set("scene-walk-frames", walk.Count.ToString(inv));
        for (var i = 0; i < scene.WalkPrompts.Count; i++)
        {
            record.Prompts.Add(new Provenance.Manifest.PromptRecord($"background keyframe {i + 1}", scene.WalkPrompts[i], scene.NegativePrompt.Length == 0 ? null : scene.NegativePrompt));
            record.Seeds.Add(scene.Seed + (ulong)i);
        }
        return record;
    }

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : first + "; " + second;
}
