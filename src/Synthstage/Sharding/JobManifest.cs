using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Sharding;

/// <summary>
/// <c>JOB_DIR/job.json</c>: what <c>synthstage plan</c> decided — the command and its arguments, every parameter the
/// frames depend on, the content hashes of the inputs and models, the Synthstage version, and the shards with their
/// frame ranges and warm-up frames. It carries a digest of its own content, so an edit after planning is refused
/// rather than rendered into some shards and not others.
/// </summary>
public sealed record JobManifest
{
    /// <summary>The manifest's format name and version.</summary>
    public const string FormatName = "synthstage-job/1";

    /// <summary>The manifest's file name inside the job folder.</summary>
    public const string FileName = "job.json";

    /// <summary>The Synthstage version that planned the job; every worker and the stitch must be the same.</summary>
    public required string Version { get; init; }

    /// <summary>The command (<c>walk</c>, <c>composite</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>The plan command line after <c>plan</c>: a worker parses it with the same declarations to rebuild the settings.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>The folder relative paths in <see cref="Arguments"/> are relative to.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The id every frame's watermark carries and the stitched output's manifest names (from the parameters and hashes, so the same plan gets the same id).</summary>
    public required string ContentId { get; init; }

    /// <summary>Frames of the whole render.</summary>
    public required int Frames { get; init; }

    /// <summary>Frames per second.</summary>
    public required double FrameRate { get; init; }

    /// <summary>Width of the output.</summary>
    public required int Width { get; init; }

    /// <summary>Height of the output.</summary>
    public required int Height { get; init; }

    /// <summary>Extension of the shard files and of the stitched output.</summary>
    public required string Extension { get; init; }

    /// <summary>Every parameter the frames depend on (the settings descriptions' output).</summary>
    public required JsonObject Parameters { get; init; }

    /// <summary>Inputs with their hashes.</summary>
    public required IReadOnlyList<JobFile> Inputs { get; init; }

    /// <summary>Models with their hashes.</summary>
    public required IReadOnlyList<JobFile> Models { get; init; }

    /// <summary>The shards in order.</summary>
    public required IReadOnlyList<ShardRange> Shards { get; init; }

    /// <summary>SHA-256 of the canonical JSON of everything above: the job's identity, written into every shard's receipt.</summary>
    public string Digest => Sha256Of(Content());

    /// <summary>SHA-256 of the canonical JSON of <see cref="Parameters"/>.</summary>
    public string ParametersDigest => DigestOf(Parameters);

    /// <summary>SHA-256 of the canonical JSON of <paramref name="parameters"/>.</summary>
    public static string DigestOf(JsonObject parameters) => Sha256Of(parameters);

    /// <summary>SHA-256 (lowercase hex) of the canonical JSON of <paramref name="node"/>.</summary>
    internal static string Sha256Of(JsonNode node) =>
        // Reparsed first: built and parsed nodes then hold their values alike, so equal JSON gives equal bytes.
        Convert.ToHexStringLower(SHA256.HashData(CanonicalJson.Serialize(JsonNode.Parse(node.ToJsonString()))));

    /// <summary>The shard at <paramref name="index"/>.</summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: no such shard.</exception>
    public ShardRange Shard(int index) => index >= 0 && index < Shards.Count
        ? Shards[index]
        : throw new SynthstageException($"shard {index} is out of range: the job has {Shards.Count} shards (0..{Shards.Count - 1})", ExitCodes.Usage);

    /// <summary>The manifest's path in <paramref name="jobFolder"/>.</summary>
    public static string PathIn(string jobFolder) => Path.Combine(jobFolder, FileName);

    /// <summary>Writes the manifest into <paramref name="jobFolder"/> (temporary name, then rename).</summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadOutput"/>: the folder cannot be written.</exception>
    public void Write(string jobFolder)
    {
        var root = Content();
        root["digest"] = Digest;
        var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.Write(PathIn(jobFolder), stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)), "the job manifest");
    }

    /// <summary>Reads the manifest of <paramref name="jobFolder"/> and checks that it is as it was planned.</summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadInput"/>: missing, damaged, or edited after planning.</exception>
    public static JobManifest Read(string jobFolder)
    {
        var path = PathIn(jobFolder);
        if (!File.Exists(path))
            throw new SynthstageException($"'{jobFolder}' is not a job folder: {FileName} is missing (plan the job with synthstage plan first)", ExitCodes.BadInput);
        JobManifest manifest;
        string? recorded;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
            if (root["format"]?.GetValue<string>() != FormatName) throw new JsonException($"not a {FormatName} manifest");
            recorded = root["digest"]?.GetValue<string>();
            manifest = FromJson(root);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException)
        {
            throw new SynthstageException($"job manifest '{path}' is damaged ({e.Message}); plan the job again", ExitCodes.BadInput, e);
        }
        if (recorded != manifest.Digest)
            throw new SynthstageException($"job manifest '{path}' was edited after planning (its digest no longer matches); plan the job again instead of editing it", ExitCodes.BadInput);
        return manifest;
    }

    private JsonObject Content() => new()
    {
        ["format"] = FormatName,
        ["synthstage"] = Version,
        ["kind"] = Kind,
        ["arguments"] = new JsonArray(Arguments.Select(a => (JsonNode)a).ToArray()),
        ["workingDirectory"] = WorkingDirectory,
        ["contentId"] = ContentId,
        ["frames"] = Frames,
        ["fps"] = FrameRate.ToString("R", CultureInfo.InvariantCulture),
        ["width"] = Width,
        ["height"] = Height,
        ["extension"] = Extension,
        ["parameters"] = Parameters.DeepClone(),
        ["inputs"] = Files(Inputs),
        ["models"] = Files(Models),
        ["shards"] = new JsonArray(Shards.Select(s => (JsonNode)new JsonObject
        {
            ["index"] = s.Index,
            ["start"] = s.Start,
            ["end"] = s.End,
            ["warmUpFrames"] = s.WarmUpFrames,
        }).ToArray()),
    };

    private static JsonArray Files(IReadOnlyList<JobFile> files) => new(files.Select(f => (JsonNode)new JsonObject
    {
        ["role"] = f.Role,
        ["path"] = f.Path,
        ["sha256"] = f.Sha256,
        ["bytes"] = f.Bytes,
    }).ToArray());

    private static JobManifest FromJson(JsonObject root)
    {
        static string Text(JsonNode? node, string name) => node?[name]?.GetValue<string>() ?? throw new JsonException($"no {name}");
        static int Number(JsonNode? node, string name) => node?[name]?.GetValue<int>() ?? throw new JsonException($"no {name}");
        static List<JobFile> FilesOf(JsonNode? node) => (node as JsonArray ?? throw new JsonException("no file list"))
            .Select(f => new JobFile(Text(f, "role"), Text(f, "path"), Text(f, "sha256"), f!["bytes"]!.GetValue<long>())).ToList();
        return new JobManifest
        {
            Version = Text(root, "synthstage"),
            Kind = Text(root, "kind"),
            Arguments = (root["arguments"] as JsonArray ?? throw new JsonException("no arguments")).Select(a => a!.GetValue<string>()).ToList(),
            WorkingDirectory = Text(root, "workingDirectory"),
            ContentId = Text(root, "contentId"),
            Frames = Number(root, "frames"),
            FrameRate = double.Parse(Text(root, "fps"), CultureInfo.InvariantCulture),
            Width = Number(root, "width"),
            Height = Number(root, "height"),
            Extension = Text(root, "extension"),
            Parameters = (JsonObject)(root["parameters"] as JsonObject ?? throw new JsonException("no parameters")).DeepClone(),
            Inputs = FilesOf(root["inputs"]),
            Models = FilesOf(root["models"]),
            Shards = (root["shards"] as JsonArray ?? throw new JsonException("no shards"))
                .Select(s => new ShardRange(Number(s, "index"), Number(s, "start"), Number(s, "end"), Number(s, "warmUpFrames"))).ToList(),
        };
    }
}
