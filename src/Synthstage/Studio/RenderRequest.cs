using Synthstage.Compositing;

namespace Synthstage.Studio;

/// <summary>
/// What the user asked the studio to render, as the page sends it and the job store keeps it (JSON): the clip, the
/// subject (model and points), the background and the look. <see cref="StudioJobRunner"/> turns it into the engine's
/// options records, so the manifest of the output describes exactly these settings.
/// </summary>
public sealed record RenderRequest
{
    /// <summary>The clip, relative to the data folder.</summary>
    public string Clip { get; init; } = "";

    /// <summary>A <c>#RRGGBB</c> colour, <c>blur</c>, or <c>image:PATH</c> (an image relative to the data folder); ignored when <see cref="Scene"/> is set.</summary>
    public string Background { get; init; } = "#00b140";

    /// <summary>Segmentation model (as <c>--model</c>).</summary>
    public string Model { get; init; } = "auto";

    /// <summary>Clicks on the subject and on what is not it, with their frames (kept with the job and in its settings).</summary>
    public IReadOnlyList<SubjectPoint> Subject { get; init; } = [];

    /// <summary>A generated background instead of <see cref="Background"/>, or null.</summary>
    public SceneRequest? Scene { get; init; }

    /// <summary>A walk video (no clip, no subject: every frame generated) instead of a composite, or null.</summary>
    public WalkRequest? Walk { get; init; }

    /// <summary>0..1: subject colours moved toward the background's.</summary>
    public float Harmonize { get; init; }

    /// <summary>0..1: background light bled into the subject's edge.</summary>
    public float LightWrap { get; init; }

    /// <summary>Execution device of the job; one job runs at a time per device.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>A title for the queue and gallery.</summary>
    public string Describe() => Walk is { } walk ? $"walk \"{Shorten(walk.Keyframes.FirstOrDefault()?.Prompt ?? "")}\" ({walk.Keyframes.Count} keyframes)"
        : Scene is { } scene ? $"prompt \"{Shorten(scene.Motion == "walk" && scene.WalkPrompts.Count > 0 ? scene.WalkPrompts[0] : scene.Prompt)}\""
        : Background.StartsWith("image:", StringComparison.Ordinal) ? "image " + Path.GetFileName(Background["image:".Length..]) : Background;

    /// <summary>The job kind the queue files it under: "walk" or "composite".</summary>
    public string Kind => Walk is null ? "composite" : "walk";

    /// <summary>The background as the engine's spec; an image is resolved inside the data folder.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/> or <see cref="ExitCodes.BadInput"/>: not a colour, blur or image in the data folder.</exception>
    public BackgroundSpec BackgroundSpec(StudioDataFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (Background.StartsWith("image:", StringComparison.Ordinal))
        {
            var path = folder.Resolve(Background["image:".Length..]);
            if (!File.Exists(path)) throw new SynthstageException($"background image '{Background["image:".Length..]}' is not in the data folder", ExitCodes.BadInput);
            return new BackgroundSpec.Image(path);
        }
        if (Background is "blur" || Background.StartsWith('#')) return Compositing.BackgroundSpec.Parse(Background);
        throw new SynthstageException($"background '{Background}' is not a #RRGGBB colour, blur or an uploaded image", ExitCodes.Usage);
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";
}

