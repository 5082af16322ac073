using System.Globalization;

namespace Synthstage.Studio;

/// <summary>
/// Reads a render's settings back out of its manifest's parameters (the keys the options records' <c>Describe</c>
/// wrote): model, background (an image found again in the uploads by the SHA-256 the manifest records), look, scene;
/// and a walk's settings (<see cref="ToWalkRequest"/>).
/// </summary>
public static class ManifestSettings
{
    /// <summary>A request that renders the same again over <paramref name="clip"/>.</summary>
    public static RenderRequest ToRequest(OutputProvenance provenance, string clip, IReadOnlyList<SubjectPoint> subject, StudioDataFolder? folder = null)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        var p = provenance.Parameters;
        string Get(string key, string fallback) => p.TryGetValue(key, out var v) ? v : fallback;
        float Number(string key) => float.TryParse(Get(key, "0"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : 0;
        var background = Get("background", "#00b140");
        if (background.StartsWith("image ", StringComparison.Ordinal)) background = ImageUpload(background, folder) ?? background;
        // A still, panning or zooming scene records "scene-prompt"; a walking one "scene-prompt 1", "scene-prompt 2", ….
        var walkPrompts = Enumerable.Range(1, 64).Select(i => p.GetValueOrDefault($"scene-prompt {i}")).TakeWhile(v => v is not null).Select(v => v!).ToArray();
        SceneRequest? scene = p.ContainsKey("scene-prompt") || walkPrompts.Length > 0 ? new SceneRequest
        {
            Prompt = Get("scene-prompt", walkPrompts.FirstOrDefault() ?? ""),
            Negative = Get("scene-negative", ""),
            Seed = ulong.TryParse(Get("scene-seed", "0"), CultureInfo.InvariantCulture, out var seed) ? seed : 0,
            Steps = int.TryParse(Get("scene-steps", "25"), CultureInfo.InvariantCulture, out var steps) ? steps : 25,
            Guidance = Number("scene-guidance"),
            Scheduler = p.TryGetValue("scene-scheduler", out var scheduler) ? scheduler : null,
            Model = SceneModelChoice.NameOf(p.GetValueOrDefault("scene-model"), folder),
            Motion = walkPrompts.Length > 0 ? "walk" : Get("motion", "none").Split(' ')[0],
            WalkPrompts = walkPrompts,
            WalkEvery = int.TryParse(Get("scene-walk-every", "8"), CultureInfo.InvariantCulture, out var every) ? every : 8,
        } : null;
        return new RenderRequest
        {
            Clip = clip,
            Model = Get("model", "auto"),
            Background = background,
            Subject = subject,
            Scene = scene,
            Harmonize = Number("harmonize"),
            LightWrap = Number("light wrap"),
        };
    }

    /// <summary>
    /// The walk the manifest of a walk's output describes, as the walks page sends it: keyframes (prompt, negative
    /// prompt, seed, frames to the next), size, fps, steps, guidance, scheduler, the model (a catalog id, or its folder
    /// under the data folder's <c>models/</c>), and the pacing audio found again in the uploads by its SHA-256 (with the
    /// mix of an even ramp the manifest records beside it). The last keyframe's frames are not a setting (nothing follows
    /// it) and come back as the request's default.
    /// </summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: the manifest is not a walk's (no keyframe prompts, or a seed missing).</exception>
    public static WalkRequest ToWalkRequest(OutputProvenance provenance, StudioDataFolder? folder = null)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        var p = provenance.Parameters;
        var inv = CultureInfo.InvariantCulture;
        var prompts = Enumerable.Range(1, provenance.Prompts.Count)
            .Select(k => provenance.Prompts.FirstOrDefault(r => r.Role == $"keyframe {k}")).TakeWhile(r => r is not null).Select(r => r!).ToList();
        if (prompts.Count < 2 || provenance.Seeds.Count < prompts.Count)
            throw new SynthstageException($"the manifest records {prompts.Count} keyframe prompts and {provenance.Seeds.Count} seeds: not a walk this studio can repeat", ExitCodes.BadInput);
        var frames = p.GetValueOrDefault("segment-frames", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => int.Parse(f, NumberStyles.None, inv)).ToArray();
        var defaults = new WalkRequest();
        var keyframes = prompts.Select((r, k) => new WalkKeyframeRequest(r.Prompt, provenance.Seeds[k], r.Negative ?? "",
            k < frames.Length && k < prompts.Count - 1 ? frames[k] : new WalkKeyframeRequest("", 0).Frames)).ToList();
        // Steps and guidance are recorded per segment; the walks page sets one value for all.
        string First(string key) => p.GetValueOrDefault(key, "").Split(',')[0];
        var size = p.GetValueOrDefault("size", "").Split('x');
        var audio = provenance.Inputs.FirstOrDefault(i => i.Role == "audio");
        return new WalkRequest
        {
            Keyframes = keyframes,
            Audio = audio is null ? null : Upload(audio, folder) ?? audio.Name,
            Smooth = double.TryParse(p.GetValueOrDefault("smooth"), NumberStyles.Float, inv, out var smooth) ? smooth : defaults.Smooth,
            Width = size.Length == 2 && int.TryParse(size[0], inv, out var w) ? w : defaults.Width,
            Height = size.Length == 2 && int.TryParse(size[1], inv, out var h) ? h : defaults.Height,
            Fps = double.TryParse(p.GetValueOrDefault("fps"), NumberStyles.Float, inv, out var fps) ? fps : defaults.Fps,
            Steps = int.TryParse(First("steps"), inv, out var steps) ? steps : defaults.Steps,
            Guidance = float.TryParse(First("guidance"), NumberStyles.Float, inv, out var guidance) ? guidance : defaults.Guidance,
            Scheduler = p.GetValueOrDefault("scheduler") is { } scheduler && scheduler != "model default" ? scheduler : null,
            Model = WalkModel(provenance.Models.FirstOrDefault(m => m.Role == "unet")?.Id, folder),
        };
    }

    /// <summary>The walk's model as the page names it: a catalog id, or <c>models/ID</c> when the data folder holds a model folder of that name.</summary>
    private static string? WalkModel(string? id, StudioDataFolder? folder)
    {
        if (string.IsNullOrEmpty(id)) return null;
        if (Models.ModelCatalog.Find(id) is { Task: "diffusion" }) return id;
        var relative = $"{SceneModelChoice.FolderName}/{id}";
        return folder is not null && Directory.Exists(Path.Combine(folder.Root, SceneModelChoice.FolderName, id)) ? relative : id;
    }

    /// <summary>The upload with the recorded file's SHA-256 (uploads are named by it), relative to the data folder, or null.</summary>
    private static string? Upload(Provenance.Manifest.FileRecord file, StudioDataFolder? folder)
    {
        if (folder is null || !Directory.Exists(folder.Uploads)) return null;
        var match = Directory.EnumerateFiles(folder.Uploads)
            .FirstOrDefault(f => Path.GetFileNameWithoutExtension(f).Equals(file.Sha256, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : folder.Relative(match);
    }

    private static string? ImageUpload(string described, StudioDataFolder? folder)
    {
        if (folder is null) return null;
        var name = described["image ".Length..];
        var match = Directory.EnumerateFiles(folder.Uploads).FirstOrDefault(f => Path.GetFileName(f) == name);
        return match is null ? null : "image:" + folder.Relative(match);
    }
}
