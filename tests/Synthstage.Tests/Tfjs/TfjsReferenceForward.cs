using System.Runtime.InteropServices;
using System.Text.Json;

namespace Synthstage.Tests.Tfjs;

/// <summary>
/// A direct-loop NHWC forward pass of a TF.js layers model, written from the Keras layer definitions and independent
/// of the importer: it parses model.json itself and slices the shard by the manifest. Batch 1, float64 accumulation.
/// </summary>
public static class TfjsReferenceForward
{
    /// <summary>An NHWC tensor of batch 1.</summary>
    public sealed record Tensor(int H, int W, int C, float[] Data)
    {
        public float this[int y, int x, int c] => Data[(y * W + x) * C + c];
    }

    /// <summary>Runs the model at <paramref name="modelJson"/> on <paramref name="input"/> and returns its output.</summary>
    public static Tensor Run(string modelJson, Tensor input)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(modelJson));
        var root = document.RootElement;
        var weights = ReadWeights(Path.GetDirectoryName(modelJson)!, root.GetProperty("weightsManifest"));
        var config = root.GetProperty("modelTopology").GetProperty("model_config").GetProperty("config");
        var values = new Dictionary<string, Tensor>();
        var pending = config.GetProperty("layers").EnumerateArray().ToList();
        // Layers may be listed before their inputs: evaluate whatever is ready until everything is.
        while (pending.Count > 0)
        {
            var progressed = false;
            foreach (var layer in pending.ToList())
            {
                var name = layer.GetProperty("name").GetString()!;
                var inputs = layer.GetProperty("inbound_nodes").EnumerateArray().SelectMany(n => n.EnumerateArray()).Select(e => e[0].GetString()!).ToArray();
                if (!inputs.All(values.ContainsKey)) continue;
                var x = inputs.Select(i => values[i]).ToArray();
                var c = layer.GetProperty("config");
                values[name] = layer.GetProperty("class_name").GetString() switch
                {
                    "InputLayer" => input,
                    "Conv2D" => Conv2D(x[0], weights[name + "/kernel"], c.GetProperty("use_bias").GetBoolean() ? weights[name + "/bias"] : null,
                        c.GetProperty("padding").GetString()!, c.GetProperty("activation").GetString()!),
                    "Activation" => Activate(x[0], c.GetProperty("activation").GetString()!),
                    "ReLU" => Activate(x[0], "relu"),
                    "Concatenate" => Concatenate(x),
                    "Add" => Sum(x),
                    "UpSampling2D" => UpSample(x[0], c.GetProperty("size")[0].GetInt32(), c.GetProperty("size")[1].GetInt32()),
                    var other => throw new NotSupportedException(other),
                };
                pending.Remove(layer);
                progressed = true;
            }
            if (!progressed) throw new InvalidOperationException("the reference cannot order the layers");
        }
        return values[config.GetProperty("output_layers")[0][0].GetString()!];
    }

    private static Dictionary<string, (int[] Shape, float[] Values)> ReadWeights(string folder, JsonElement manifest)
    {
        var weights = new Dictionary<string, (int[], float[])>();
        foreach (var group in manifest.EnumerateArray())
        {
            var bytes = group.GetProperty("paths").EnumerateArray().SelectMany(p => File.ReadAllBytes(Path.Combine(folder, p.GetString()!))).ToArray();
            var floats = MemoryMarshal.Cast<byte, float>(bytes);
            var offset = 0;
            foreach (var w in group.GetProperty("weights").EnumerateArray())
            {
                var shape = w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                var count = shape.Aggregate(1, (a, d) => a * d);
                weights[w.GetProperty("name").GetString()!] = (shape, floats.Slice(offset, count).ToArray());
                offset += count;
            }
        }
        return weights;
    }

    /// <summary>Keras Conv2D, stride 1: "same" pads (k−1)/2 before and the rest after, "valid" pads nothing.</summary>
    public static Tensor Conv2D(Tensor x, (int[] Shape, float[] Values) kernel, (int[] Shape, float[] Values)? bias, string padding, string activation)
    {
        int kh = kernel.Shape[0], kw = kernel.Shape[1], cin = kernel.Shape[2], cout = kernel.Shape[3];
        int top = padding == "same" ? (kh - 1) / 2 : 0, left = padding == "same" ? (kw - 1) / 2 : 0;
        int oh = padding == "same" ? x.H : x.H - kh + 1, ow = padding == "same" ? x.W : x.W - kw + 1;
        var y = new float[oh * ow * cout];
        for (var oy = 0; oy < oh; oy++)
            for (var ox = 0; ox < ow; ox++)
                for (var o = 0; o < cout; o++)
                {
                    double sum = bias?.Values[o] ?? 0;
                    for (var ky = 0; ky < kh; ky++)
                    {
                        var iy = oy + ky - top;
                        if (iy < 0 || iy >= x.H) continue;
                        for (var kx = 0; kx < kw; kx++)
                        {
                            var ix = ox + kx - left;
                            if (ix < 0 || ix >= x.W) continue;
                            for (var i = 0; i < cin; i++) sum += x[iy, ix, i] * (double)kernel.Values[((ky * kw + kx) * cin + i) * cout + o];
                        }
                    }
                    y[(oy * ow + ox) * cout + o] = (float)sum;
                }
        return Activate(new Tensor(oh, ow, cout, y), activation);
    }

    public static Tensor Activate(Tensor x, string activation) => activation switch
    {
        "linear" => x,
        "relu" => x with { Data = x.Data.Select(v => Math.Max(v, 0f)).ToArray() },
        _ => throw new NotSupportedException(activation),
    };

    /// <summary>Concatenation along channels.</summary>
    public static Tensor Concatenate(Tensor[] x)
    {
        var c = x.Sum(t => t.C);
        var y = new float[x[0].H * x[0].W * c];
        for (var p = 0; p < x[0].H * x[0].W; p++)
        {
            var o = p * c;
            foreach (var t in x)
                for (var k = 0; k < t.C; k++) y[o++] = t.Data[p * t.C + k];
        }
        return new Tensor(x[0].H, x[0].W, c, y);
    }

    public static Tensor Sum(Tensor[] x)
    {
        var y = new float[x[0].Data.Length];
        for (var i = 0; i < y.Length; i++) y[i] = x.Sum(t => t.Data[i]);
        return x[0] with { Data = y };
    }

    /// <summary>Nearest upsampling: output (y, x) copies input (y / sh, x / sw).</summary>
    public static Tensor UpSample(Tensor x, int sh, int sw)
    {
        int oh = x.H * sh, ow = x.W * sw;
        var y = new float[oh * ow * x.C];
        for (var oy = 0; oy < oh; oy++)
            for (var ox = 0; ox < ow; ox++)
                for (var c = 0; c < x.C; c++) y[(oy * ow + ox) * x.C + c] = x[oy / sh, ox / sw, c];
        return new Tensor(oh, ow, x.C, y);
    }

    /// <summary>A seeded random image in 0..1.</summary>
    public static Tensor Random(int h, int w, int c, int seed)
    {
        var random = new Random(seed);
        return new Tensor(h, w, c, Enumerable.Range(0, h * w * c).Select(_ => (float)random.NextDouble()).ToArray());
    }
}
