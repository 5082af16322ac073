using System.Runtime.InteropServices;
using System.Text.Json;

namespace Synthstage.Tfjs;

/// <summary>
/// Reads a TF.js layers model: the Keras functional topology of <c>model.json</c> and the float32 weights of the
/// binary shards its <c>weightsManifest</c> lists (paths relative to the folder of <c>model.json</c>).
/// </summary>
/// <remarks>
/// Within a manifest group the shards are one byte stream cut into files, and the weights lie in it back to back in
/// manifest order, so the group's files must add up to exactly the bytes its weights need.
/// Only the Keras 2 node format (<c>inbound_nodes</c> as lists of <c>[layer, node, tensor, kwargs]</c>) and layers
/// called once are understood.
/// </remarks>
public static class TfjsModelReader
{
    /// <summary>Reads <paramref name="modelJsonPath"/> and its weight shards.</summary>
    /// <exception cref="SynthstageException">The file or a shard is missing or unreadable, the JSON is not a TF.js
    /// layers model, a weight is not float32, or a shard group's size differs from what its manifest lists (BadModel).</exception>
    public static TfjsLayersModel Read(string modelJsonPath)
    {
        var path = Path.GetFullPath(modelJsonPath);
        var folder = Path.GetDirectoryName(path)!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Bad(path, $"cannot be read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw Bad(path, $"is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("modelTopology", out var topology))
                throw Bad(path, "has no modelTopology; expected a TF.js layers model (model.json written by tensorflowjs_converter)");
            if (root.TryGetProperty("format", out var format) && format.GetString() is { } f && f != "layers-model")
                throw Bad(path, $"is a TF.js '{f}'; only layers models (\"format\": \"layers-model\") can be imported");
            var (name, layers, input, output) = ReadTopology(path, topology);
            if (!root.TryGetProperty("weightsManifest", out var manifest) || manifest.ValueKind != JsonValueKind.Array)
                throw Bad(path, "has no weightsManifest");
            return new TfjsLayersModel(name, layers, input, output, ReadWeights(path, folder, manifest));
        }
    }

    private static (string Name, List<TfjsLayer> Layers, string Input, string Output) ReadTopology(string path, JsonElement topology)
    {
        // tensorflowjs_converter wraps the Keras JSON in model_config; older files hold it directly.
        var model = topology.TryGetProperty("model_config", out var wrapped) ? wrapped : topology;
        var className = String(model, "class_name") ?? "";
        if (className is not ("Functional" or "Model"))
            throw Bad(path, $"holds a Keras '{className}' model; only functional models (class_name Functional or Model) can be imported");
        if (!model.TryGetProperty("config", out var config) || !config.TryGetProperty("layers", out var layerArray) || layerArray.ValueKind != JsonValueKind.Array)
            throw Bad(path, "has a model_config without config.layers");

        var layers = new List<TfjsLayer>();
        foreach (var layer in layerArray.EnumerateArray())
        {
            var index = layers.Count;
            var layerClass = String(layer, "class_name") ?? throw Bad(path, $"layer {index} has no class_name");
            var layerName = String(layer, "name") ?? (layer.TryGetProperty("config", out var c) ? String(c, "name") : null)
                ?? throw Bad(path, $"{layerClass} layer {index} has no name");
            var layerConfig = layer.TryGetProperty("config", out var lc) ? lc.Clone() : default;
            layers.Add(new TfjsLayer(index, layerClass, layerName, layerConfig, ReadInbound(path, layer, $"{layerClass} '{layerName}' (layer {index})")));
        }
        var input = SingleEndpoint(path, config, "input_layers");
        var output = SingleEndpoint(path, config, "output_layers");
        return (String(config, "name") ?? "model", layers, input, output);
    }

    private static List<string> ReadInbound(string path, JsonElement layer, string display)
    {
        var inputs = new List<string>();
        if (!layer.TryGetProperty("inbound_nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Array) return inputs;
        if (nodes.GetArrayLength() > 1)
            throw Bad(path, $"{display} is called {nodes.GetArrayLength()} times (a shared layer); only layers called once can be imported");
        foreach (var node in nodes.EnumerateArray())
        {
            if (node.ValueKind != JsonValueKind.Array)
                throw Bad(path, $"{display} has inbound nodes in the Keras 3 format; re-export the model with Keras 2 (tf.keras) or TF.js");
            foreach (var edge in node.EnumerateArray())
            {
                if (edge.ValueKind != JsonValueKind.Array || edge.GetArrayLength() < 3 || edge[0].ValueKind != JsonValueKind.String)
                    throw Bad(path, $"{display} has a malformed inbound node (expected [layer, node, tensor, kwargs])");
                if (edge[1].GetInt32() != 0 || edge[2].GetInt32() != 0)
                    throw Bad(path, $"{display} reads output {edge[2].GetInt32()} of call {edge[1].GetInt32()} of '{edge[0].GetString()}'; only the first output of layers called once is supported");
                inputs.Add(edge[0].GetString()!);
            }
        }
        return inputs;
    }

    private static string SingleEndpoint(string path, JsonElement config, string property)
    {
        if (!config.TryGetProperty(property, out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            throw Bad(path, $"has no {property}");
        if (list.GetArrayLength() != 1)
            throw Bad(path, $"has {list.GetArrayLength()} {property}; only models with one input and one output can be imported");
        var endpoint = list[0];
        if (endpoint.ValueKind != JsonValueKind.Array || endpoint.GetArrayLength() == 0 || endpoint[0].ValueKind != JsonValueKind.String)
            throw Bad(path, $"has a malformed {property} entry");
        return endpoint[0].GetString()!;
    }

    private static Dictionary<string, TfjsWeight> ReadWeights(string path, string folder, JsonElement manifest)
    {
        var weights = new Dictionary<string, TfjsWeight>(StringComparer.Ordinal);
        var group = 0;
        foreach (var entry in manifest.EnumerateArray())
        {
            group++;
            var specs = new List<(string Name, int[] Shape, long Count)>();
            if (entry.TryGetProperty("weights", out var list))
            {
                foreach (var w in list.EnumerateArray())
                {
                    var name = String(w, "name") ?? throw Bad(path, $"weight group {group} lists a weight without a name");
                    var dtype = String(w, "dtype") ?? "float32";
                    if (dtype != "float32") throw Bad(path, $"weight '{name}' is {dtype}; only float32 weights can be imported");
                    if (w.TryGetProperty("quantization", out var q) && q.ValueKind != JsonValueKind.Null)
                        throw Bad(path, $"weight '{name}' is quantized; only unquantized float32 weights can be imported (convert without --quantize_*)");
                    var shape = w.TryGetProperty("shape", out var s) ? s.EnumerateArray().Select(d => d.GetInt32()).ToArray() : [];
                    if (shape.Any(d => d < 0)) throw Bad(path, $"weight '{name}' has a negative dimension");
                    specs.Add((name, shape, shape.Aggregate(1L, (a, d) => a * d)));
                }
            }
            var paths = entry.TryGetProperty("paths", out var p) ? p.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : [];
            var bytes = ReadGroup(path, folder, group, paths, specs.Sum(s => s.Count) * sizeof(float));
            var values = MemoryMarshal.Cast<byte, float>(bytes);
            var offset = 0;
            foreach (var (name, shape, count) in specs)
            {
                weights[name] = new TfjsWeight(name, shape, values.Slice(offset, (int)count).ToArray());
                offset += (int)count;
            }
        }
        return weights;
    }

    private static byte[] ReadGroup(string path, string folder, int group, string[] shards, long expected)
    {
        var sizes = new long[shards.Length];
        for (var i = 0; i < shards.Length; i++)
        {
            var shard = Path.Combine(folder, shards[i]);
            if (!File.Exists(shard)) throw Bad(path, $"lists weight shard '{shards[i]}', which is missing (expected at {shard})");
            sizes[i] = new FileInfo(shard).Length;
        }
        var total = sizes.Sum();
        var names = string.Join(", ", shards);
        if (total < expected)
            throw Bad(path, $"weight group {group} ({names}) is truncated: {total} bytes, but its {expected / sizeof(float)} float32 values need {expected}");
        if (total != expected)
            throw Bad(path, $"weight group {group} ({names}) has {total} bytes, but the manifest's weights need exactly {expected}; the shards do not belong to this model.json");
        if (expected > Array.MaxLength) throw Bad(path, $"weight group {group} is larger than 2 GB");
        var bytes = new byte[expected];
        var position = 0;
        foreach (var shard in shards)
        {
            try
            {
                using var stream = File.OpenRead(Path.Combine(folder, shard));
                stream.ReadExactly(bytes, position, (int)stream.Length);
                position += (int)stream.Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Bad(path, $"weight shard '{shard}' cannot be read: {e.Message}", e);
            }
        }
        return bytes;
    }

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

    private static SynthstageException Bad(string path, string what, Exception? inner = null) =>
        new($"TF.js model {path} {what}", ExitCodes.BadModel, inner);
}
