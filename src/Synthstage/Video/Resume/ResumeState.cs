using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synthstage.Video.Resume;

/// <summary>
/// The state file of a resumable output: the parameters of the run and the frame count of every finished part.
/// Written whole to a temporary name and renamed, so a crash leaves either the old or the new state.
/// </summary>
internal sealed class ResumeState
{
    private const int CurrentVersion = 1;

    public ResumeState(JsonObject parameters, List<int> parts, string? runId = null)
    {
        Parameters = parameters;
        Parts = parts;
        RunId = runId ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    }

    /// <summary>A random 128-bit id of the run (32 hex digits), drawn when it starts and kept across resumes.</summary>
    public string RunId { get; }

    /// <summary>The run's parameters, output settings included.</summary>
    public JsonObject Parameters { get; }

    /// <summary>Frames in each finished part file, in order.</summary>
    public List<int> Parts { get; }

    public int FramesInParts => Parts.Sum();

    /// <summary>Reads a state file.</summary>
    /// <exception cref="SynthstageException">The file is unreadable or not a state file.</exception>
    public static ResumeState Read(string path)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new JsonException("not a JSON object");
            if (root["version"]?.GetValue<int>() != CurrentVersion) throw new JsonException("unknown version");
            var parameters = root["parameters"] as JsonObject ?? throw new JsonException("no parameters");
            var parts = (root["parts"] as JsonArray ?? throw new JsonException("no parts")).Select(n => n!.GetValue<int>()).ToList();
            var runId = root["run"]?.GetValue<string>();
            if (runId is not null && (runId.Length != 32 || !runId.All(char.IsAsciiHexDigitLower))) throw new JsonException("bad run id");
            return new ResumeState((JsonObject)parameters.DeepClone(), parts, runId);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new SynthstageException($"resume state '{path}' is damaged ({e.Message}); restart the output (--restart) to discard it", ExitCodes.BadOutput, e);
        }
    }

    /// <summary>Writes the state atomically (temporary file, then rename).</summary>
    public void Write(string path)
    {
        var root = new JsonObject
        {
            ["version"] = CurrentVersion,
            ["run"] = RunId,
            ["parameters"] = Parameters.DeepClone(),
            ["parts"] = new JsonArray(Parts.Select(p => (JsonNode)p).ToArray()),
        };
        var temp = path + ".tmp";
        File.WriteAllText(temp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Names the top-level parameters (and those one level down) that differ, as "name: old → new".</summary>
    public static IEnumerable<string> Differences(JsonObject before, JsonObject after, string prefix = "")
    {
        foreach (var key in before.Select(p => p.Key).Union(after.Select(p => p.Key)))
        {
            var a = before[key];
            var b = after[key];
            if (JsonNode.DeepEquals(a, b)) continue;
            if (a is JsonObject ao && b is JsonObject bo && prefix.Length == 0)
            {
                foreach (var inner in Differences(ao, bo, key + ".")) yield return inner;
                continue;
            }
            yield return $"{prefix}{key}: {Show(a)} → {Show(b)}";
        }
    }

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "(none)";
        return text.Length <= 60 ? text : text[..57] + "…";
    }
}
