using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Forge.Graphs;
using Synthstage.Forge.Weights;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Tests.Forge;

/// <summary>Each forge layer against a direct C# computation of what diffusers' PyTorch layer computes.</summary>
public class ForgeLayerTests
{
    [Fact]
    public void GroupNormNormalisesEachGroupOverChannelsAndPixels()
    {
        var g = Graph();
        var x = g.Builder.Input("x", DataType.Float, "batch", 4, 2, 3);
        Output(g, g.GroupNorm(x, "gn", 4, 2, 1e-5f), "batch", 4, 2, 3);
        var input = OrtRun.Noise(2 * 24, 1).Select((v, i) => v * (1 + i % 5) + i % 3).ToArray();
        var y = Run(g, ("x", input, [2, 4, 2, 3]));

        for (var b = 0; b < 2; b++)
            for (var group = 0; group < 2; group++)
            {
                var values = input.Skip(b * 24 + group * 12).Take(12).ToArray(); // 2 channels × 6 pixels
                var mean = values.Average();
                var variance = values.Select(v => (v - mean) * (v - mean)).Average();
                for (var k = 0; k < 12; k++)
                    Assert.Equal((values[k] - mean) / Math.Sqrt(variance + 1e-5), y[b * 24 + group * 12 + k], 4);
            }
    }

    [Fact]
    public void LinearUsesTransposedWeightAndBias()
    {
        var g = Graph();
        var x = g.Builder.Input("x", DataType.Float, 2, 3);
        Output(g, g.Linear(x, "fc", 3, 4), 2, 4);
        var w = Weights(g, "fc.weight"); // [in 3, out 4]
        var bias = Weights(g, "fc.bias");
        float[] input = [1, 2, 3, -1, 0.5f, 0];
        var y = Run(g, ("x", input, [2, 3]));
        for (var r = 0; r < 2; r++)
            for (var o = 0; o < 4; o++)
            {
                var expected = bias[o];
                for (var i = 0; i < 3; i++) expected += input[r * 3 + i] * w[i * 4 + o];
                Assert.Equal(expected, y[r * 4 + o], 5);
            }
    }

    [Fact]
    public void AttentionIsSoftmaxOfScaledDotProductsPerHeadWithMask()
    {
        const int n = 3, heads = 2, d = 2, c = heads * d;
        var g = Graph();
        var q = g.Builder.Input("q", DataType.Float, 1, n, c);
        var k = g.Builder.Input("k", DataType.Float, 1, n, c);
        var v = g.Builder.Input("v", DataType.Float, 1, n, c);
        var mask = g.Floats("mask", [0, -1e9f, -1e9f, 0, 0, -1e9f, 0, 0, 0], n, n); // causal
        Output(g, g.Attention(q, k, v, heads, d, mask), 1, n, c);
        float[] qv = OrtRun.Noise(n * c, 1), kv = OrtRun.Noise(n * c, 2), vv = OrtRun.Noise(n * c, 3);
        var y = Run(g, ("q", qv, [1, n, c]), ("k", kv, [1, n, c]), ("v", vv, [1, n, c]));

        for (var h = 0; h < heads; h++)
            for (var i = 0; i < n; i++)
            {
                var scores = new double[i + 1];
                for (var j = 0; j <= i; j++)
                    for (var e = 0; e < d; e++) scores[j] += qv[i * c + h * d + e] * kv[j * c + h * d + e] / Math.Sqrt(d);
                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = weights.Sum();
                for (var e = 0; e < d; e++)
                {
                    var expected = 0.0;
                    for (var j = 0; j <= i; j++) expected += weights[j] / sum * vv[j * c + h * d + e];
                    Assert.Equal(expected, y[i * c + h * d + e], 5);
                }
            }
    }

    [Fact]
    public void ActivationsMatchTheirDefinitions()
    {
        var g = Graph();
        var x = g.Builder.Input("x", DataType.Float, 5);
        g.Rename(g.Gelu(x), "gelu");
        g.Rename(g.QuickGelu(x), "quick");
        g.Rename(g.SiLU(x), "silu");
        foreach (var name in new[] { "gelu", "quick", "silu" }) g.Builder.Output(name, DataType.Float, 5);
        float[] input = [-2, -1, 0, 1, 2];
        using var session = new InferenceSession(g.Build().ToByteArray());
        var outputs = OrtRun.Run(session, new Dictionary<string, OrtValue> { ["x"] = OrtValue.CreateTensorValueFromMemory(input, [5]) });

        // Exact GELU x·Φ(x), tabulated.
        Assert.Equal([-0.0455003f, -0.1586553f, 0f, 0.8413447f, 1.9544997f], outputs["gelu"].Data, (a, b) => MathF.Abs(a - b) < 1e-5f);
        Assert.Equal(input.Select(v => v / (1 + MathF.Exp(-1.702f * v))), outputs["quick"].Data, (a, b) => MathF.Abs(a - b) < 1e-5f);
        Assert.Equal(input.Select(v => v / (1 + MathF.Exp(-v))), outputs["silu"].Data, (a, b) => MathF.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void ResizeNearestDoublesOrFollowsTheSkipSize()
    {
        var g = Graph();
        var x = g.Builder.Input("x", DataType.Float, 1, 1, 2, 2);
        var like = g.Builder.Input("like", DataType.Float, 1, 1, 3, 5);
        g.Rename(g.ResizeNearest(x), "doubled");
        g.Rename(g.ResizeNearest(x, like), "sized");
        g.Builder.Output("doubled", DataType.Float, 1, 1, 4, 4);
        g.Builder.Output("sized", DataType.Float, 1, 1, 3, 5);
        using var session = new InferenceSession(g.Build().ToByteArray());
        var outputs = OrtRun.Run(session, new Dictionary<string, OrtValue>
        {
            ["x"] = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3, 4 }, [1, 1, 2, 2]),
            ["like"] = OrtValue.CreateTensorValueFromMemory(new float[15], [1, 1, 3, 5]),
        });
        Assert.Equal([1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], outputs["doubled"].Data);
        // PyTorch nearest: source index floor(dst · in / out).
        Assert.Equal([1f, 1, 1, 2, 2, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4], outputs["sized"].Data);
    }

    [Fact]
    public void TimestepProjectionIsCosThenSinOfGeometricFrequencies()
    {
        var g = Graph();
        var t = g.Builder.Input("t", DataType.Int64, "batch");
        Output(g, UNetGraph.SinusoidalProjection(g, t, 320), "batch", 320);
        using var session = new InferenceSession(g.Build().ToByteArray());
        var y = OrtRun.Run(session, new Dictionary<string, OrtValue> { ["t"] = OrtValue.CreateTensorValueFromMemory(new long[] { 0, 999 }, [2]) })["y"].Data;

        for (var i = 0; i < 160; i++)
        {
            var argument = 999 * Math.Exp(-Math.Log(10000) * i / 160.0);
            Assert.Equal(1f, y[i]);               // t = 0: cos 0
            Assert.Equal(0f, y[160 + i]);         //        sin 0
            Assert.Equal(Math.Cos(argument), y[320 + i], 3);
            Assert.Equal(Math.Sin(argument), y[480 + i], 3);
        }
    }

    private static ForgeGraph Graph() => new("layer", new InlineWeightSink(7, fp16: false, default));

    private static void Output(ForgeGraph g, string value, params object[] dims)
    {
        g.Rename(value, "y");
        g.Builder.Output("y", DataType.Float, dims);
    }

    private static float[] Weights(ForgeGraph g, string name)
    {
        var tensor = g.Builder.Graph.Initializer.Single(t => t.Name == name);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    private static float[] Run(ForgeGraph g, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var session = new InferenceSession(g.Build().ToByteArray());
        return OrtRun.Run(session, inputs.ToDictionary(i => i.Name, i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)))["y"].Data;
    }
}
