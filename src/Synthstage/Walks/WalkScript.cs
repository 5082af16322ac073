using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Synthstage.Walks;

/// <summary>
/// Reads a walk from a JSON or YAML file (by extension: .yaml/.yml is YAML, anything else JSON):
/// <code>
/// fps: 24            # optional defaults: frames, steps, guidance, scheduler, width, height, fps, segment_times
/// frames: 48
/// keyframes:
///   - { prompt: "a forest at dawn", seed: 1, negative: "blurry" }
///   - { prompt: "a forest at night", seed: 2 }
///   - { prompt: "a city at night", seed: 3 }
/// segments:          # optional, one per segment: frames, steps, guidance
///   - { frames: 24 }
///   - { frames: 60, steps: 30, guidance: 9 }
/// </code>
/// </summary>
public static class WalkScript
{
    private static readonly string[] TopLevelKeys = ["keyframes", "segments", "frames", "steps", "guidance", "scheduler", "width", "height", "fps", "segment_times"];

    /// <summary>Applies the file's keyframes, segments and defaults to <paramref name="defaults"/>.</summary>
    /// <param name="path">A .json, .yaml or .yml file.</param>
    /// <param name="defaults">Options the file's values replace.</param>
    /// <returns>The options with the file applied.</returns>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadInput"/>: the file is missing, unparsable, or has a
    /// field of the wrong kind; the message names the file and the field.</exception>
    public static WalkOptions Load(string path, WalkOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(defaults);
        if (!File.Exists(path)) throw new SynthstageException($"walk file '{path}' does not exist", ExitCodes.BadInput);
        var text = File.ReadAllText(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        JsonNode? root;
        try
        {
            root = extension is ".yaml" or ".yml" ? YamlToJson(text) : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new SynthstageException($"walk file '{path}' is not valid {(extension is ".yaml" or ".yml" ? "YAML" : "JSON")}: {e.Message.Split('\n')[0]}", ExitCodes.BadInput, e);
        }
        return Apply(root as JsonObject ?? throw Bad(path, "the top level must be a mapping with 'keyframes'"), defaults, path);
    }

    private static WalkOptions Apply(JsonObject root, WalkOptions options, string path)
    {
        foreach (var (key, _) in root)
            if (!TopLevelKeys.Contains(key))
                throw Bad(path, $"unknown field '{key}' (known: {string.Join(", ", TopLevelKeys)})");
        var keyframes = root["keyframes"] as JsonArray ?? throw Bad(path, "'keyframes' must be a list of { prompt, seed, negative }");
        options = options with
        {
            Keyframes = keyframes.Select((k, i) => Keyframe(k as JsonObject ?? throw Bad(path, $"keyframe {i + 1} must be a mapping"), i, path)).ToArray(),
        };
        if (root["segments"] is { } segments)
            options = options with
            {
                Segments = (segments as JsonArray ?? throw Bad(path, "'segments' must be a list")).Select((s, i) =>
                {
                    var segment = s as JsonObject ?? throw Bad(path, $"segment {i + 1} must be a mapping");
                    foreach (var (key, _) in segment)
                        if (key is not ("frames" or "steps" or "guidance")) throw Bad(path, $"segment {i + 1}: unknown field '{key}' (known: frames, steps, guidance)");
                    return new WalkSegment
                    {
                        Frames = Int(segment["frames"], $"segment {i + 1} frames", path),
                        Steps = Int(segment["steps"], $"segment {i + 1} steps", path),
                        GuidanceScale = (float?)Number(segment["guidance"], $"segment {i + 1} guidance", path),
                    };
                }).ToArray(),
            };
        if (Int(root["frames"], "frames", path) is { } frames) options = options with { FramesPerSegment = frames };
        if (Int(root["steps"], "steps", path) is { } steps) options = options with { Steps = steps };
        if (Number(root["guidance"], "guidance", path) is { } guidance) options = options with { GuidanceScale = (float)guidance };
        if (Int(root["width"], "width", path) is { } width) options = options with { Width = width };
        if (Int(root["height"], "height", path) is { } height) options = options with { Height = height };
        if (Number(root["fps"], "fps", path) is { } fps) options = options with { FrameRate = fps };
        if (root["scheduler"] is { } scheduler) options = options with { Scheduler = Text(scheduler, "scheduler", path) };
        if (root["segment_times"] is { } times)
            options = options with { SegmentTimes = (times as JsonArray ?? throw Bad(path, "'segment_times' must be a list of seconds")).Select((t, i) => Number(t, $"segment time {i + 1}", path) ?? 0).ToArray() };
        return options;
    }

    private static WalkKeyframe Keyframe(JsonObject node, int index, string path)
    {
        foreach (var (key, _) in node)
            if (key is not ("prompt" or "seed" or "negative")) throw Bad(path, $"keyframe {index + 1}: unknown field '{key}' (known: prompt, seed, negative)");
        var prompt = node["prompt"] is { } p ? Text(p, $"keyframe {index + 1} prompt", path) : throw Bad(path, $"keyframe {index + 1} has no prompt");
        var seed = node["seed"] is JsonValue s && (s.TryGetValue<ulong>(out var n) || (s.TryGetValue<string>(out var str) && ulong.TryParse(str, NumberStyles.None, CultureInfo.InvariantCulture, out n)))
            ? n
            : throw Bad(path, $"keyframe {index + 1} needs a seed (a whole number ≥ 0)");
        var negative = node["negative"] is { } neg ? Text(neg, $"keyframe {index + 1} negative", path) : "";
        return new WalkKeyframe(prompt, seed, negative);
    }

    private static string Text(JsonNode node, string what, string path) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Bad(path, $"{what} must be text");

    private static int? Int(JsonNode? node, string what, string path)
    {
        if (node is null) return null;
        if (node is JsonValue v && (v.TryGetValue<int>(out var i) || (v.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out i))))
            return i;
        throw Bad(path, $"{what} must be a whole number");
    }

    private static double? Number(JsonNode? node, string what, string path)
    {
        if (node is null) return null;
        if (node is JsonValue v && (v.TryGetValue<double>(out var d) || (v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))))
            return d;
        throw Bad(path, $"{what} must be a number");
    }

    private static SynthstageException Bad(string path, string problem) => new($"walk file '{path}': {problem}", ExitCodes.BadInput);

    // YAML scalars stay strings; the typed readers above parse numbers from them.
    private static JsonNode? YamlToJson(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };
}
