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
            (w, h) => PlateBackground.Create(plate.Image, scene.Motion, w, h, info.FrameCount), keying with { ProvenanceRecord = Record(scene, plate) },
            checkedLook, progress, ct).ConfigureAwait(false);
        return new SceneRenderResult(render with { Warning = Join(plate.SizeNote, render.Warning) }, plate);
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

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : first + "; " + second;
}
