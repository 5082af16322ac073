using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synthstage.Sharding;

/// <summary>
/// <c>JOB_DIR/shards/shard-NNNN.json</c>, written after the shard's video is in place: which plan, version,
/// parameters and model hashes rendered it. Its presence is what marks a shard finished.
/// </summary>
/// <param name="Index">The shard.</param>
/// <param name="JobDigest">The <see cref="JobManifest.Digest"/> of the plan it was rendered for.</param>
/// <param name="Version">The Synthstage version of the worker.</param>
/// <param name="ParametersDigest">Digest of the parameters the worker derived from the plan's arguments.</param>
/// <param name="Models">Role → SHA-256 of the model files the worker used.</param>
/// <param name="Start">First frame.</param>
/// <param name="End">Frame after the last.</param>
/// <param name="Bytes">Length of the shard's video file.</param>
public sealed record ShardReceipt(int Index, string JobDigest, string Version, string ParametersDigest,
    IReadOnlyDictionary<string, string> Models, int Start, int End, long Bytes)
{
    /// <summary>The shard's video in <paramref name="jobFolder"/>.</summary>
    public static string VideoPath(string jobFolder, int index, string extension) => Path.Combine(ShardsFolder(jobFolder), $"shard-{index:D4}{extension}");

    /// <summary>The receipt's path in <paramref name="jobFolder"/>.</summary>
    public static string PathOf(string jobFolder, int index) => Path.Combine(ShardsFolder(jobFolder), $"shard-{index:D4}.json");

    /// <summary>Where finished shards are kept.</summary>
    public static string ShardsFolder(string jobFolder) => Path.Combine(jobFolder, "shards");

    /// <summary>Reads the receipt of shard <paramref name="index"/>, or null when the shard has none (not finished).</summary>
    /// <exception cref="SynthstageException">The receipt is damaged.</exception>
    public static ShardReceipt? TryRead(string jobFolder, int index)
    {
        var path = PathOf(jobFolder, index);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))!;
            return new ShardReceipt(root["index"]!.GetValue<int>(), root["job"]!.GetValue<string>(), root["synthstage"]!.GetValue<string>(),
                root["parameters"]!.GetValue<string>(),
                root["models"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()),
                root["start"]!.GetValue<int>(), root["end"]!.GetValue<int>(), root["bytes"]!.GetValue<long>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new SynthstageException($"shard {index}: its receipt '{path}' is damaged ({e.Message}); render the shard again", ExitCodes.BadInput, e);
        }
    }

    /// <summary>Writes the receipt under a name of this writer's own, then renames it into place.</summary>
    public void Write(string jobFolder)
    {
        var root = new JsonObject
        {
            ["index"] = Index,
            ["job"] = JobDigest,
            ["synthstage"] = Version,
            ["parameters"] = ParametersDigest,
            ["models"] = new JsonObject(Models.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
            ["start"] = Start,
            ["end"] = End,
            ["bytes"] = Bytes,
        };
        var path = PathOf(jobFolder, Index);
        // Two workers given the same index write their own temporary file; either rename leaves a whole receipt.
        var temp = $"{path}.{Guid.NewGuid():N}.partial";
        File.WriteAllText(temp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }
}
