using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synthstage.Tests.Tfjs;

/// <summary>
/// Writes small TF.js layers models (model.json + one float32 shard, as tensorflowjs_converter lays them out) with
/// seeded random weights, for the importer's tests.
/// </summary>
public sealed class TfjsTestModel
{
    private readonly JsonArray _layers = [];
    private readonly List<(string Name, int[] Shape, float[] Values)> _weights = [];
    private readonly Dictionary<string, int> _channels = [];
    private readonly Random _random;
    private string? _input;

    public TfjsTestModel(int seed = 1) => _random = new Random(seed);

    /// <summary>Adds the input layer: [null, null, null, channels] (dynamic height and width).</summary>
    public string Input(int channels, string name = "input")
    {
        _input = name;
        _channels[name] = channels;
        Add("InputLayer", name, new JsonObject { ["batch_input_shape"] = new JsonArray(null, null, null, channels), ["dtype"] = "float32" }, []);
        return name;
    }

    /// <summary>A Conv2D with random HWIO kernel and bias (Keras config keys and weight names).</summary>
    public string Conv2D(string input, int filters, int kernel, string padding = "same", string activation = "linear", bool useBias = true, string? name = null)
    {
        name ??= $"conv{_layers.Count}";
        var cin = _channels[input];
        AddWeight($"{name}/kernel", [kernel, kernel, cin, filters]);
        if (useBias) AddWeight($"{name}/bias", [filters]);
        _channels[name] = filters;
        return Add("Conv2D", name, new JsonObject
        {
            ["filters"] = filters, ["kernel_size"] = new JsonArray(kernel, kernel), ["strides"] = new JsonArray(1, 1), ["padding"] = padding,
            ["data_format"] = "channels_last", ["dilation_rate"] = new JsonArray(1, 1), ["groups"] = 1, ["activation"] = activation, ["use_bias"] = useBias,
        }, [input]);
    }

    public string Activation(string input, string activation)
    {
        var name = $"act{_layers.Count}";
        _channels[name] = _channels[input];
        return Add("Activation", name, new JsonObject { ["activation"] = activation }, [input]);
    }

    public string ReLU(string input)
    {
        var name = $"relu{_layers.Count}";
        _channels[name] = _channels[input];
        return Add("ReLU", name, new JsonObject { ["max_value"] = null, ["negative_slope"] = 0.0, ["threshold"] = 0.0 }, [input]);
    }

    public string Concatenate(string[] inputs, int axis)
    {
        var name = $"concat{_layers.Count}";
        _channels[name] = inputs.Sum(i => _channels[i]);
        return Add("Concatenate", name, new JsonObject { ["axis"] = axis }, inputs);
    }

    public string AddLayer(string[] inputs)
    {
        var name = $"add{_layers.Count}";
        _channels[name] = _channels[inputs[0]];
        return Add("Add", name, new JsonObject(), inputs);
    }

    public string UpSampling2D(string input, int sizeH, int sizeW)
    {
        var name = $"up{_layers.Count}";
        _channels[name] = _channels[input];
        return Add("UpSampling2D", name, new JsonObject
        {
            ["size"] = new JsonArray(sizeH, sizeW), ["data_format"] = "channels_last", ["interpolation"] = "nearest",
        }, [input]);
    }

    /// <summary>Any layer, for the unsupported-layer tests.</summary>
    public string Add(string className, string name, JsonObject config, string[] inputs)
    {
        config["name"] = name;
        var edges = new JsonArray();
        foreach (var input in inputs) edges.Add(new JsonArray(input, 0, 0, new JsonObject()));
        _layers.Add(new JsonObject
        {
            ["class_name"] = className, ["name"] = name, ["config"] = config,
            ["inbound_nodes"] = inputs.Length == 0 ? new JsonArray() : new JsonArray(edges),
        });
        _channels.TryAdd(name, 0);
        return name;
    }

    private void AddWeight(string name, int[] shape)
    {
        var values = new float[shape.Aggregate(1, (a, d) => a * d)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(_random.NextDouble() - 0.5);
        _weights.Add((name, shape, values));
    }

    /// <summary>Writes model.json and group1-shard1of1.bin into a new temporary folder and returns model.json's path.</summary>
    /// <param name="output">The output layer.</param>
    /// <param name="shardBytesDelta">Bytes to drop from (negative) or add to (positive) the shard, for the bad-input tests.</param>
    public string Save(string output, int shardBytesDelta = 0)
    {
        var folder = Directory.CreateTempSubdirectory("ss-tfjs-").FullName;
        var manifest = new JsonArray();
        foreach (var (name, shape, _) in _weights)
            manifest.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()), ["dtype"] = "float32" });
        var document = new JsonObject
        {
            ["format"] = "layers-model",
            ["generatedBy"] = "synthstage tests",
            ["convertedBy"] = "synthstage tests",
            ["modelTopology"] = new JsonObject
            {
                ["keras_version"] = "2.10.0",
                ["backend"] = "tensorflow",
                ["model_config"] = new JsonObject
                {
                    ["class_name"] = "Functional",
                    ["config"] = new JsonObject
                    {
                        ["name"] = "test",
                        ["layers"] = _layers.DeepClone(),
                        ["input_layers"] = new JsonArray(new JsonArray(_input, 0, 0)),
                        ["output_layers"] = new JsonArray(new JsonArray(output, 0, 0)),
                    },
                },
            },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("group1-shard1of1.bin"), ["weights"] = manifest }),
        };
        var path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var bytes = _weights.SelectMany(w => MemoryMarshal.AsBytes(w.Values.AsSpan()).ToArray()).ToList();
        if (shardBytesDelta < 0) bytes.RemoveRange(bytes.Count + shardBytesDelta, -shardBytesDelta);
        else bytes.AddRange(new byte[shardBytesDelta]);
        File.WriteAllBytes(Path.Combine(folder, "group1-shard1of1.bin"), bytes.ToArray());
        return path;
    }
}
