using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Synthstage.Tflite;

namespace Synthstage.Tests.Tflite;

/// <summary>
/// Builds small TFLite subgraphs in memory (the reader's own model objects) with seeded random weights, converts
/// them to ONNX, runs them in ONNX Runtime and compares against <see cref="TfliteReferenceInterpreter"/>.
/// </summary>
internal sealed class TfliteTestGraph(int seed = 1)
{
    private readonly List<TfliteTensor> _tensors = [];
    private readonly List<TfliteOperator> _operators = [];
    private readonly List<int> _inputs = [];
    private readonly Random _random = new(seed);

    public int Input(params int[] shape)
    {
        _inputs.Add(_tensors.Count);
        return Add(new TfliteTensor($"input_{_inputs.Count}", shape, TfliteTensorType.Float32, default));
    }

    public int Const(params int[] shape) =>
        Add(new TfliteTensor($"const_{_tensors.Count}", shape, TfliteTensorType.Float32, MemoryMarshal.AsBytes(RandomValues(shape).AsSpan()).ToArray()));

    /// <summary>A float16 constant followed by DEQUANTIZE, as in MediaPipe's fp16 models; returns the float32 tensor.</summary>
    public int HalfConst(params int[] shape)
    {
        var halves = RandomValues(shape).Select(v => (Half)v).ToArray();
        var raw = Add(new TfliteTensor($"half_{_tensors.Count}", shape, TfliteTensorType.Float16, MemoryMarshal.AsBytes(halves.AsSpan()).ToArray()));
        return Op(TfliteBuiltinOperator.DEQUANTIZE, null, [raw], shape);
    }

    /// <summary>
    /// A float16 constant with about half its values (or blocks) zero, stored sparse in the given traversal order and
    /// block map (CSR on the levels marked in <paramref name="sparseLevels"/>), followed by DENSIFY and DEQUANTIZE as
    /// in MediaPipe's pose detector; returns the float32 tensor.
    /// </summary>
    public int SparseHalfConst(int[] shape, int[] traversalOrder, int[] blockMap, int[] blockSizes, bool[] sparseLevels)
    {
        var rank = shape.Length;
        var dense = RandomValues(shape).Select(v => (Half)v).ToArray();
        int LevelSize(int level) => traversalOrder[level] is var d && d < rank
            ? shape[d] / (Array.IndexOf(blockMap, d) is var b and >= 0 ? blockSizes[b] : 1)
            : blockSizes[d - rank];
        int DenseIndex(int[] tuple)
        {
            var index = new int[rank];
            for (var l = 0; l < tuple.Length; l++)
            {
                var d = traversalOrder[l];
                if (d < rank) index[d] += tuple[l] * (Array.IndexOf(blockMap, d) is var b and >= 0 ? blockSizes[b] : 1);
                else index[blockMap[d - rank]] += tuple[l];
            }
            var flat = 0;
            for (var i = 0; i < rank; i++) flat = flat * shape[i] + index[i];
            return flat;
        }
        IEnumerable<int[]> Completions(int[] prefix) => prefix.Length == traversalOrder.Length
            ? [prefix]
            : Enumerable.Range(0, LevelSize(prefix.Length)).SelectMany(i => Completions([.. prefix, i]));
        // Zero whole trailing-level groups at random so the sparse levels have something to skip.
        foreach (var group in Completions([]).GroupBy(t => string.Join(',', t.Take(Math.Max(1, Array.LastIndexOf(sparseLevels, true) + 1)))))
            if (_random.NextDouble() < 0.5)
                foreach (var t in group) dense[DenseIndex(t)] = (Half)0;
        var levels = new TfliteDimensionMetadata[traversalOrder.Length];
        List<int[]> current = [[]];
        for (var level = 0; level < traversalOrder.Length; level++)
        {
            var size = LevelSize(level);
            var next = new List<int[]>();
            if (!sparseLevels[level])
            {
                foreach (var t in current) for (var i = 0; i < size; i++) next.Add([.. t, i]);
                levels[level] = new TfliteDimensionMetadata(false, size, [], []);
            }
            else
            {
                List<int> segments = [0], indices = [];
                foreach (var t in current)
                {
                    for (var i = 0; i < size; i++)
                        if (Completions([.. t, i]).Any(c => dense[DenseIndex(c)] != (Half)0)) { indices.Add(i); next.Add([.. t, i]); }
                    segments.Add(indices.Count);
                }
                levels[level] = new TfliteDimensionMetadata(true, 0, [.. segments], [.. indices]);
            }
            current = next;
        }
        var stored = current.Select(t => dense[DenseIndex(t)]).ToArray();
        var sparse = Add(new TfliteTensor($"sparse_{_tensors.Count}", shape, TfliteTensorType.Float16, MemoryMarshal.AsBytes(stored.AsSpan()).ToArray(),
            Sparsity: new TfliteSparsity(traversalOrder, blockMap, levels)));
        var half = Op(TfliteBuiltinOperator.DENSIFY, null, [sparse], shape);
        _tensors[half] = _tensors[half] with { Type = TfliteTensorType.Float16 };
        return Op(TfliteBuiltinOperator.DEQUANTIZE, null, [half], shape);
    }

    public int Ints(int[] shape, params int[] values) =>
        Add(new TfliteTensor($"ints_{_tensors.Count}", shape, TfliteTensorType.Int32, MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));

    public int Op(TfliteBuiltinOperator code, TfliteOptions? options, int[] inputs, int[] outputShape, string? customCode = null)
    {
        var output = Add(new TfliteTensor($"t_{_tensors.Count}", outputShape, TfliteTensorType.Float32, default));
        _operators.Add(new TfliteOperator(code, customCode, inputs, [output], options));
        return output;
    }

    /// <summary>A 1×1 convolution, used to move activations into the converter's NCHW layout before the operator under test.</summary>
    public int Pointwise(int x, int outChannels)
    {
        var s = Shape(x);
        return Op(TfliteBuiltinOperator.CONV_2D, new Conv2DOptions(TflitePadding.Valid, 1, 1, TfliteActivation.None),
            [x, Const(outChannels, 1, 1, s[3]), Const(outChannels)], [s[0], s[1], s[2], outChannels]);
    }

    public int[] Shape(int tensor) => _tensors[tensor].Shape;

    public TfliteSubGraph Build(params int[] outputs) => new("test", [.. _tensors], [.. _operators], [.. _inputs], outputs);

    /// <summary>Converts, runs ONNX Runtime and the reference interpreter on random inputs, asserts max |diff| ≤ tolerance.</summary>
    public ModelProto AssertMatchesReference(params int[] outputs) => AssertMatchesReference(1e-4, outputs);

    public ModelProto AssertMatchesReference(double tolerance, params int[] outputs)
    {
        var graph = Build(outputs);
        var model = TfliteToOnnxConverter.Convert(graph).Build();
        var inputs = graph.Inputs.Select(i => RandomValues(graph.Tensors[i].Shape)).ToArray();
        var expected = new TfliteReferenceInterpreter(graph).Run(inputs);
        var actual = RunOnnx(model.ToByteArray(), graph, inputs);
        for (var o = 0; o < outputs.Length; o++)
        {
            Assert.Equal(graph.Tensors[outputs[o]].Shape, actual[o].Shape);
            Assert.True(MaxAbsDiff(expected[o], actual[o].Values) <= tolerance,
                $"output {o}: max |onnx − reference| = {MaxAbsDiff(expected[o], actual[o].Values)} > {tolerance}");
        }
        return model;
    }

    public static (int[] Shape, float[] Values)[] RunOnnx(byte[] onnx, TfliteSubGraph graph, float[][] inputs, SessionOptions? options = null)
    {
        using var session = options is null ? new InferenceSession(onnx) : new InferenceSession(onnx, options);
        var feeds = graph.Inputs.Select((t, i) => NamedOnnxValue.CreateFromTensor(graph.Tensors[t].Name,
            new DenseTensor<float>(inputs[i], graph.Tensors[t].Shape))).ToList();
        using var results = session.Run(feeds);
        return [.. results.Select(r => (r.AsTensor<float>().Dimensions.ToArray(), r.AsTensor<float>().ToArray()))];
    }

    public static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (var i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }

    private float[] RandomValues(int[] shape) =>
        [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(_random.NextDouble() * 2 - 1))];

    private int Add(TfliteTensor t)
    {
        _tensors.Add(t);
        return _tensors.Count - 1;
    }
}
