using System.Globalization;

namespace Synthstage.Studio;

/// <summary>
/// Reads a render's settings back out of its manifest's parameters (the keys the options records' <c>Describe</c>
/// wrote): model, background (an image found again in the uploads by the SHA-256 the manifest records), look, scene.
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

    private static string? ImageUpload(string described, StudioDataFolder? folder)
    {
        if (folder is null) return null;
        var name = described["image ".Length..];
        var match = Directory.EnumerateFiles(folder.Uploads).FirstOrDefault(f => Path.GetFileName(f) == name);
        return match is null ? null : "image:" + folder.Relative(match);
    }
}
