using System.Runtime.InteropServices;
using Synthstage.Tflite;
using Op = Synthstage.Tflite.TfliteBuiltinOperator;

namespace Synthstage.Tests.Tflite;

/// <summary>
/// A naive NHWC interpreter that runs a TFLite subgraph operator by operator with direct loops, written from the
/// TFLite kernel definitions and independent of the ONNX converter. It is the reference the converted graphs are
/// checked against.
/// </summary>
internal sealed class TfliteReferenceInterpreter(TfliteSubGraph graph)
{
    private readonly Dictionary<int, float[]> _values = [];

    /// <summary>Runs the graph on float32 NHWC inputs (TFLite order) and returns the outputs in TFLite order.</summary>
    public float[][] Run(params float[][] inputs)
    {
        _values.Clear();
        for (var i = 0; i < graph.Inputs.Length; i++) _values[graph.Inputs[i]] = inputs[i];
        foreach (var op in graph.Operators) Execute(op);
        return [.. graph.Outputs.Select(Get)];
    }

    private int[] Shape(int t) => graph.Tensors[t].Shape;

    private float[] Get(int t)
    {
        if (_values.TryGetValue(t, out var v)) return v;
        var tensor = graph.Tensors[t];
        return _values[t] = tensor.Type switch
        {
            TfliteTensorType.Float32 => MemoryMarshal.Cast<byte, float>(tensor.Data.Span).ToArray(),
            TfliteTensorType.Float16 => [.. MemoryMarshal.Cast<byte, Half>(tensor.Data.Span).ToArray().Select(h => (float)h)],
            TfliteTensorType.Int32 => [.. MemoryMarshal.Cast<byte, int>(tensor.Data.Span).ToArray().Select(x => (float)x)],
            TfliteTensorType.Int8 => [.. tensor.Data.ToArray().Select(b => tensor.Quantization!.Scale[0] * ((sbyte)b - tensor.Quantization.ZeroPoint[0]))],
            _ => throw new NotSupportedException(tensor.Type.ToString()),
        };
    }

    private int[] Ints(int t) => [.. Get(t).Select(v => (int)v)];

    private void Execute(TfliteOperator op)
    {
        var outShape = Shape(op.Outputs[0]);
        float[] y = op.Code switch
        {
            Op.DEQUANTIZE => Get(op.Inputs[0]),
            Op.DENSIFY => Densify(graph.Tensors[op.Inputs[0]]),
            Op.CONV_2D => Conv(op, (Conv2DOptions)op.Options!),
            Op.DEPTHWISE_CONV_2D => Depthwise(op, (DepthwiseConv2DOptions)op.Options!),
            Op.CUSTOM when op.CustomCode == "Convolution2DTransposeBias" => TransposeConv(op.Inputs[0], op.Inputs[1], op.Inputs[2], op.Outputs[0], (TransposeConvOptions)op.Options!),
            Op.TRANSPOSE_CONV => TransposeConv(op.Inputs[2], op.Inputs[1], op.Inputs.Length > 3 ? op.Inputs[3] : -1, op.Outputs[0], (TransposeConvOptions)op.Options!),
            Op.AVERAGE_POOL_2D or Op.MAX_POOL_2D => Pool(op, (Pool2DOptions)op.Options!),
            Op.MEAN => Mean(op),
            Op.ADD => Act(Broadcast(op, (a, b) => a + b), ((FusedActivationOptions)op.Options!).Activation),
            Op.MUL => Act(Broadcast(op, (a, b) => a * b), ((FusedActivationOptions)op.Options!).Activation),
            Op.SUB => Act(Broadcast(op, (a, b) => a - b), ((FusedActivationOptions)op.Options!).Activation),
            Op.DIV => Act(Broadcast(op, (a, b) => a / b), ((FusedActivationOptions)op.Options!).Activation),
            Op.RELU => Map(op, x => Math.Max(x, 0)),
            Op.RELU6 => Map(op, x => Math.Clamp(x, 0, 6)),
            Op.RELU_N1_TO_1 => Map(op, x => Math.Clamp(x, -1, 1)),
            Op.TANH => Map(op, MathF.Tanh),
            Op.LOGISTIC => Map(op, x => 1 / (1 + MathF.Exp(-x))),
            Op.HARD_SWISH => Map(op, x => x * Math.Clamp(x + 3, 0, 6) / 6),
            Op.CONCATENATION => Act(Concat(op, (ConcatenationOptions)op.Options!), ((ConcatenationOptions)op.Options!).Activation),
            Op.PAD or Op.PADV2 => Pad(op),
            Op.RESHAPE => (float[])Get(op.Inputs[0]).Clone(),
            Op.DEPTH_TO_SPACE => DepthToSpace(op, ((BlockSizeOptions)op.Options!).BlockSize),
            Op.SPACE_TO_DEPTH => SpaceToDepth(op, ((BlockSizeOptions)op.Options!).BlockSize),
            Op.RESIZE_BILINEAR => Resize(op, (ResizeBilinearOptions)op.Options!),
            Op.SOFTMAX => Softmax(op, ((SoftmaxOptions)op.Options!).Beta),
            _ => throw new NotSupportedException(op.DisplayName),
        };
        if (y.Length != outShape.Aggregate(1, (a, b) => a * b)) throw new InvalidOperationException($"{op.DisplayName} produced {y.Length} values for [{string.Join(',', outShape)}]");
        _values[op.Outputs[0]] = y;
    }

    /// <summary>
    /// DENSIFY, breadth first: the list of partial index tuples is extended level by level (all indices of a dense
    /// level, the segment's stored indices of a CSR level), then each complete tuple takes the next stored value.
    /// </summary>
    private static float[] Densify(TfliteTensor t)
    {
        var sp = t.Sparsity!;
        var rank = t.Shape.Length;
        var values = t.Type switch
        {
            TfliteTensorType.Float32 => MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray(),
            TfliteTensorType.Float16 => [.. MemoryMarshal.Cast<byte, Half>(t.Data.Span).ToArray().Select(h => (float)h)],
            _ => throw new NotSupportedException(t.Type.ToString()),
        };
        List<(int[] Tuple, int Position)> current = [([], 0)];
        for (var level = 0; level < sp.Levels.Length; level++)
        {
            var meta = sp.Levels[level];
            var next = new List<(int[], int)>();
            foreach (var (tuple, position) in current)
            {
                if (!meta.Sparse)
                    for (var i = 0; i < meta.DenseSize; i++) next.Add(([.. tuple, i], position * meta.DenseSize + i));
                else
                    for (var k = meta.Segments[position]; k < meta.Segments[position + 1]; k++) next.Add(([.. tuple, meta.Indices[k]], k));
            }
            current = next;
        }
        Assert.Equal(values.Length, current.Count);
        var dense = new float[t.ElementCount];
        var strides = Strides(t.Shape);
        for (var n = 0; n < current.Count; n++)
        {
            var index = new int[rank];
            for (var level = 0; level < sp.TraversalOrder.Length; level++)
            {
                var dim = sp.TraversalOrder[level];
                if (dim < rank) index[dim] += current[n].Tuple[level] * (Array.IndexOf(sp.BlockMap, dim) is var b and >= 0 ? sp.Levels[Array.IndexOf(sp.TraversalOrder, rank + b)].DenseSize : 1);
                else index[sp.BlockMap[dim - rank]] += current[n].Tuple[level];
            }
            dense[index.Select((v, d) => v * strides[d]).Sum()] = values[n];
        }
        return dense;
    }

    private static float[] Act(float[] v, TfliteActivation a)
    {
        for (var i = 0; i < v.Length; i++)
            v[i] = a switch
            {
                TfliteActivation.None => v[i],
                TfliteActivation.Relu => Math.Max(v[i], 0),
                TfliteActivation.Relu6 => Math.Clamp(v[i], 0, 6),
                TfliteActivation.ReluN1To1 => Math.Clamp(v[i], -1, 1),
                TfliteActivation.Tanh => MathF.Tanh(v[i]),
                _ => throw new NotSupportedException(a.ToString()),
            };
        return v;
    }

    private float[] Map(TfliteOperator op, Func<float, float> f) => [.. Get(op.Inputs[0]).Select(f)];

    /// <summary>TFLite's padding offset: total = max((out−1)·stride + (k−1)·dilation + 1 − in, 0), the smaller half first.</summary>
    private static int PadBefore(TflitePadding padding, int input, int output, int kernel, int stride, int dilation) =>
        padding == TflitePadding.Valid ? 0 : Math.Max((output - 1) * stride + (kernel - 1) * dilation + 1 - input, 0) / 2;

    private float[] Conv(TfliteOperator op, Conv2DOptions o)
    {
        var (x, xs, w, ws, ys) = (Get(op.Inputs[0]), Shape(op.Inputs[0]), Get(op.Inputs[1]), Shape(op.Inputs[1]), Shape(op.Outputs[0]));
        var bias = op.Inputs.Length > 2 && op.Inputs[2] >= 0 ? Get(op.Inputs[2]) : null;
        int H = xs[1], W = xs[2], C = xs[3], OH = ys[1], OW = ys[2], O = ws[0], KH = ws[1], KW = ws[2];
        int pt = PadBefore(o.Padding, H, OH, KH, o.StrideH, o.DilationH), pl = PadBefore(o.Padding, W, OW, KW, o.StrideW, o.DilationW);
        var y = new float[ys.Aggregate(1, (a, b) => a * b)];
        for (var b = 0; b < xs[0]; b++)
        for (var oy = 0; oy < OH; oy++)
        for (var ox = 0; ox < OW; ox++)
        for (var oc = 0; oc < O; oc++)
        {
            double sum = bias?[oc] ?? 0;
            for (var ky = 0; ky < KH; ky++)
            {
                var iy = oy * o.StrideH - pt + ky * o.DilationH;
                if (iy < 0 || iy >= H) continue;
                for (var kx = 0; kx < KW; kx++)
                {
                    var ix = ox * o.StrideW - pl + kx * o.DilationW;
                    if (ix < 0 || ix >= W) continue;
                    var xi = ((b * H + iy) * W + ix) * C;
                    var wi = ((oc * KH + ky) * KW + kx) * C;
                    for (var c = 0; c < C; c++) sum += x[xi + c] * w[wi + c];
                }
            }
            y[((b * OH + oy) * OW + ox) * O + oc] = (float)sum;
        }
        return Act(y, o.Activation);
    }

    private float[] Depthwise(TfliteOperator op, DepthwiseConv2DOptions o)
    {
        var (x, xs, w, ws, ys) = (Get(op.Inputs[0]), Shape(op.Inputs[0]), Get(op.Inputs[1]), Shape(op.Inputs[1]), Shape(op.Outputs[0]));
        var bias = op.Inputs.Length > 2 && op.Inputs[2] >= 0 ? Get(op.Inputs[2]) : null;
        int H = xs[1], W = xs[2], C = xs[3], OH = ys[1], OW = ys[2], OC = ws[3], KH = ws[1], KW = ws[2], M = OC / C;
        int pt = PadBefore(o.Padding, H, OH, KH, o.StrideH, o.DilationH), pl = PadBefore(o.Padding, W, OW, KW, o.StrideW, o.DilationW);
        var y = new float[ys.Aggregate(1, (a, b) => a * b)];
        for (var b = 0; b < xs[0]; b++)
        for (var oy = 0; oy < OH; oy++)
        for (var ox = 0; ox < OW; ox++)
        for (var ic = 0; ic < C; ic++)
        for (var m = 0; m < M; m++)
        {
            var oc = ic * M + m;
            double sum = bias?[oc] ?? 0;
            for (var ky = 0; ky < KH; ky++)
            for (var kx = 0; kx < KW; kx++)
            {
                int iy = oy * o.StrideH - pt + ky * o.DilationH, ix = ox * o.StrideW - pl + kx * o.DilationW;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                sum += x[((b * H + iy) * W + ix) * C + ic] * w[(ky * KW + kx) * OC + oc];
            }
            y[((b * OH + oy) * OW + ox) * OC + oc] = (float)sum;
        }
        return Act(y, o.Activation);
    }

    /// <summary>TFLite transpose convolution: each input pixel scatters its filter window to out = in·stride − pad + k.</summary>
    private float[] TransposeConv(int input, int weights, int biasTensor, int output, TransposeConvOptions o)
    {
        var (x, xs, w, ws, ys) = (Get(input), Shape(input), Get(weights), Shape(weights), Shape(output));
        var bias = biasTensor >= 0 ? Get(biasTensor) : null;
        int H = xs[1], W = xs[2], C = xs[3], OH = ys[1], OW = ys[2], O = ws[0], KH = ws[1], KW = ws[2];
        // Padding as for the forward convolution that maps the output size back to the input size.
        int fh = o.Padding == TflitePadding.Same ? (OH + o.StrideH - 1) / o.StrideH : (OH - KH + o.StrideH) / o.StrideH;
        int fw = o.Padding == TflitePadding.Same ? (OW + o.StrideW - 1) / o.StrideW : (OW - KW + o.StrideW) / o.StrideW;
        int pt = Math.Max((fh - 1) * o.StrideH + KH - OH, 0) / 2, pl = Math.Max((fw - 1) * o.StrideW + KW - OW, 0) / 2;
        var acc = new double[ys.Aggregate(1, (a, b) => a * b)];
        for (var b = 0; b < xs[0]; b++)
        for (var iy = 0; iy < H; iy++)
        for (var ix = 0; ix < W; ix++)
        for (var ky = 0; ky < KH; ky++)
        for (var kx = 0; kx < KW; kx++)
        {
            int oy = iy * o.StrideH - pt + ky, ox = ix * o.StrideW - pl + kx;
            if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
            for (var oc = 0; oc < O; oc++)
            {
                double sum = 0;
                for (var ic = 0; ic < C; ic++) sum += x[((b * H + iy) * W + ix) * C + ic] * w[((oc * KH + ky) * KW + kx) * C + ic];
                acc[((b * OH + oy) * OW + ox) * O + oc] += sum;
            }
        }
        var y = new float[acc.Length];
        for (var i = 0; i < y.Length; i++) y[i] = (float)(acc[i] + (bias?[i % O] ?? 0));
        return Act(y, o.Activation);
    }

    private float[] Pool(TfliteOperator op, Pool2DOptions o)
    {
        var (x, xs, ys) = (Get(op.Inputs[0]), Shape(op.Inputs[0]), Shape(op.Outputs[0]));
        int H = xs[1], W = xs[2], C = xs[3], OH = ys[1], OW = ys[2];
        int pt = PadBefore(o.Padding, H, OH, o.FilterHeight, o.StrideH, 1), pl = PadBefore(o.Padding, W, OW, o.FilterWidth, o.StrideW, 1);
        var max = op.Code == Op.MAX_POOL_2D;
        var y = new float[ys.Aggregate(1, (a, b) => a * b)];
        for (var b = 0; b < xs[0]; b++)
        for (var oy = 0; oy < OH; oy++)
        for (var ox = 0; ox < OW; ox++)
        for (var c = 0; c < C; c++)
        {
            double sum = 0; var best = float.NegativeInfinity; var count = 0;
            for (var ky = 0; ky < o.FilterHeight; ky++)
            for (var kx = 0; kx < o.FilterWidth; kx++)
            {
                int iy = oy * o.StrideH - pt + ky, ix = ox * o.StrideW - pl + kx;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                var v = x[((b * H + iy) * W + ix) * C + c];
                sum += v; best = Math.Max(best, v); count++;
            }
            y[((b * OH + oy) * OW + ox) * C + c] = max ? best : (float)(sum / count);
        }
        return Act(y, o.Activation);
    }

    private static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        for (int i = shape.Length - 1, p = 1; i >= 0; p *= shape[i], i--) s[i] = p;
        return s;
    }

    private static int[] Unravel(int index, int[] shape)
    {
        var idx = new int[shape.Length];
        for (var i = shape.Length - 1; i >= 0; i--) { idx[i] = index % shape[i]; index /= shape[i]; }
        return idx;
    }

    private float[] Mean(TfliteOperator op)
    {
        var (x, xs) = (Get(op.Inputs[0]), Shape(op.Inputs[0]));
        var axes = Ints(op.Inputs[1]).Select(a => a < 0 ? a + xs.Length : a).ToHashSet();
        // Reduce into the keep-dims shape; without keep_dims the same values are just read with fewer dimensions.
        var kept = xs.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray();
        var ks = Strides(kept);
        var sums = new double[kept.Aggregate(1, (a, b) => a * b)];
        for (var i = 0; i < x.Length; i++)
        {
            var idx = Unravel(i, xs);
            var o = 0;
            for (var d = 0; d < idx.Length; d++) o += (axes.Contains(d) ? 0 : idx[d]) * ks[d];
            sums[o] += x[i];
        }
        var count = x.Length / sums.Length;
        return [.. sums.Select(s => (float)(s / count))];
    }

    private float[] Broadcast(TfliteOperator op, Func<float, float, float> f)
    {
        var ys = Shape(op.Outputs[0]);
        var a = Get(op.Inputs[0]); var b = Get(op.Inputs[1]);
        var (sa, sb) = (Padded(Shape(op.Inputs[0]), ys.Length), Padded(Shape(op.Inputs[1]), ys.Length));
        var (ta, tb) = (Strides(sa), Strides(sb));
        var y = new float[ys.Aggregate(1, (p, q) => p * q)];
        for (var i = 0; i < y.Length; i++)
        {
            var idx = Unravel(i, ys);
            int ia = 0, ib = 0;
            for (var d = 0; d < ys.Length; d++)
            {
                ia += (sa[d] == 1 ? 0 : idx[d]) * ta[d];
                ib += (sb[d] == 1 ? 0 : idx[d]) * tb[d];
            }
            y[i] = f(a[ia], b[ib]);
        }
        return y;
    }

    private static int[] Padded(int[] shape, int rank) => [.. Enumerable.Repeat(1, rank - shape.Length), .. shape];

    private float[] Concat(TfliteOperator op, ConcatenationOptions o)
    {
        var ys = Shape(op.Outputs[0]);
        var axis = o.Axis < 0 ? o.Axis + ys.Length : o.Axis;
        var outer = ys.Take(axis).Aggregate(1, (a, b) => a * b);
        var y = new List<float>();
        for (var i = 0; i < outer; i++)
            foreach (var t in op.Inputs)
            {
                var block = Shape(t).Skip(axis).Aggregate(1, (a, b) => a * b);
                y.AddRange(Get(t).AsSpan(i * block, block).ToArray());
            }
        return [.. y];
    }

    private float[] Pad(TfliteOperator op)
    {
        var (x, xs, ys) = (Get(op.Inputs[0]), Shape(op.Inputs[0]), Shape(op.Outputs[0]));
        var p = Ints(op.Inputs[1]);
        var fill = op.Code == Op.PADV2 ? Get(op.Inputs[2])[0] : 0f;
        var y = Enumerable.Repeat(fill, ys.Aggregate(1, (a, b) => a * b)).ToArray();
        var st = Strides(ys);
        for (var i = 0; i < x.Length; i++)
        {
            var idx = Unravel(i, xs);
            var o = 0;
            for (var d = 0; d < idx.Length; d++) o += (idx[d] + p[2 * d]) * st[d];
            y[o] = x[i];
        }
        return y;
    }

    private float[] DepthToSpace(TfliteOperator op, int bs)
    {
        var (x, xs, ys) = (Get(op.Inputs[0]), Shape(op.Inputs[0]), Shape(op.Outputs[0]));
        var y = new float[x.Length];
        int OH = ys[1], OW = ys[2], OC = ys[3];
        for (var b = 0; b < ys[0]; b++)
        for (var oy = 0; oy < OH; oy++)
        for (var ox = 0; ox < OW; ox++)
        for (var c = 0; c < OC; c++)
        {
            var ic = ((oy % bs) * bs + ox % bs) * OC + c;
            y[((b * OH + oy) * OW + ox) * OC + c] = x[((b * xs[1] + oy / bs) * xs[2] + ox / bs) * xs[3] + ic];
        }
        return y;
    }

    private float[] SpaceToDepth(TfliteOperator op, int bs)
    {
        var (x, xs, ys) = (Get(op.Inputs[0]), Shape(op.Inputs[0]), Shape(op.Outputs[0]));
        var y = new float[x.Length];
        int H = xs[1], W = xs[2], C = xs[3];
        for (var b = 0; b < xs[0]; b++)
        for (var iy = 0; iy < H; iy++)
        for (var ix = 0; ix < W; ix++)
        for (var c = 0; c < C; c++)
        {
            var oc = ((iy % bs) * bs + ix % bs) * C + c;
            y[((b * ys[1] + iy / bs) * ys[2] + ix / bs) * ys[3] + oc] = x[((b * H + iy) * W + ix) * C + c];
        }
        return y;
    }

    /// <summary>TFLite ResizeBilinear (reference_ops): scaled = (v + 0.5)·scale − 0.5 with half-pixel centers, else v·scale.</summary>
    private float[] Resize(TfliteOperator op, ResizeBilinearOptions o)
    {
        var (x, xs, ys) = (Get(op.Inputs[0]), Shape(op.Inputs[0]), Shape(op.Outputs[0]));
        int H = xs[1], W = xs[2], C = xs[3], OH = ys[1], OW = ys[2];
        float sh = o.AlignCorners && OH > 1 ? (H - 1f) / (OH - 1) : (float)H / OH;
        float sw = o.AlignCorners && OW > 1 ? (W - 1f) / (OW - 1) : (float)W / OW;
        var y = new float[ys.Aggregate(1, (a, b) => a * b)];
        for (var b = 0; b < xs[0]; b++)
        for (var oy = 0; oy < OH; oy++)
        {
            var (fy, y0, y1) = Interp(oy, sh, o.HalfPixelCenters, H);
            for (var ox = 0; ox < OW; ox++)
            {
                var (fx, x0, x1) = Interp(ox, sw, o.HalfPixelCenters, W);
                for (var c = 0; c < C; c++)
                {
                    float At(int yy, int xx) => x[((b * H + yy) * W + xx) * C + c];
                    y[((b * OH + oy) * OW + ox) * C + c] =
                        At(y0, x0) * (1 - (fy - y0)) * (1 - (fx - x0)) + At(y1, x0) * (fy - y0) * (1 - (fx - x0)) +
                        At(y0, x1) * (1 - (fy - y0)) * (fx - x0) + At(y1, x1) * (fy - y0) * (fx - x0);
                }
            }
        }
        return y;
    }

    private static (float Scaled, int Lower, int Upper) Interp(int v, float scale, bool halfPixel, int size)
    {
        var scaled = halfPixel ? (v + 0.5f) * scale - 0.5f : v * scale;
        return (scaled, Math.Max((int)MathF.Floor(scaled), 0), Math.Min((int)MathF.Ceiling(scaled), size - 1));
    }

    private float[] Softmax(TfliteOperator op, float beta)
    {
        var (x, xs) = (Get(op.Inputs[0]), Shape(op.Inputs[0]));
        var n = xs[^1];
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i += n)
        {
            var max = x.AsSpan(i, n).ToArray().Max();
            double sum = 0;
            for (var j = 0; j < n; j++) sum += y[i + j] = MathF.Exp(beta * (x[i + j] - max));
            for (var j = 0; j < n; j++) y[i + j] = (float)(y[i + j] / sum);
        }
        return y;
    }
}
