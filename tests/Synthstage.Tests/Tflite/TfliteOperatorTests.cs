using Synthstage.Tflite;
using Op = Synthstage.Tflite.TfliteBuiltinOperator;

namespace Synthstage.Tests.Tflite;

/// <summary>Each operator converter against the direct-loop NHWC reference, on small random tensors (max |diff| ≤ 1e-4).</summary>
public class TfliteOperatorTests
{
    private static int OutSize(TflitePadding p, int input, int kernel, int stride, int dilation = 1) =>
        p == TflitePadding.Same ? (input + stride - 1) / stride : (input - ((kernel - 1) * dilation + 1) + stride) / stride;

    [Theory]
    [InlineData(7, 7, 3, 1, 1, 0, 0)]
    [InlineData(7, 7, 3, 2, 1, 0, 1)]
    [InlineData(8, 8, 3, 2, 1, 0, 3)]
    [InlineData(9, 7, 3, 2, 1, 1, 0)]
    [InlineData(9, 9, 3, 1, 2, 0, 2)]
    [InlineData(10, 9, 3, 2, 2, 1, 4)]
    [InlineData(8, 11, 5, 3, 1, 0, 0)]
    [InlineData(6, 6, 1, 1, 1, 1, 0)]
    public void Conv2D(int h, int w, int k, int stride, int dilation, int paddingCode, int activationCode)
    {
        var (padding, activation) = ((TflitePadding)paddingCode, (TfliteActivation)activationCode);
        var g = new TfliteTestGraph();
        var x = g.Input(1, h, w, 3);
        var o = new Conv2DOptions(padding, stride, stride, activation, dilation, dilation);
        var y = g.Op(Op.CONV_2D, o, [x, g.Const(4, k, k, 3), g.Const(4)],
            [1, OutSize(padding, h, k, stride, dilation), OutSize(padding, w, k, stride, dilation), 4]);
        g.AssertMatchesReference(y);
    }

    [Fact]
    public void Conv2DWithFloat16WeightsAndNoBias()
    {
        var g = new TfliteTestGraph();
        var x = g.Input(1, 6, 6, 3);
        var y = g.Op(Op.CONV_2D, new Conv2DOptions(TflitePadding.Same, 1, 1, TfliteActivation.None), [x, g.HalfConst(5, 3, 3, 3), -1], [1, 6, 6, 5]);
        var model = g.AssertMatchesReference(y);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Cast" or "DequantizeLinear");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DensifiedSparseFloat16Weights(bool blocked)
    {
        // CSR over output channels (kernel rows dense), or 1×4 blocks along the input channels with the block
        // level dense, as TF's pruning writes them.
        var g = new TfliteTestGraph();
        var x = g.Input(1, 6, 6, 8);
        var w = blocked
            ? g.SparseHalfConst([6, 3, 3, 8], [0, 1, 2, 3, 4], [3], [4], [false, false, false, true, false])
            : g.SparseHalfConst([6, 3, 3, 8], [0, 1, 2, 3], [], [], [false, true, false, true]);
        var y = g.Op(Op.CONV_2D, new Conv2DOptions(TflitePadding.Same, 1, 1, TfliteActivation.None), [x, w, g.Const(6)], [1, 6, 6, 6]);
        var model = g.AssertMatchesReference(y);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Cast" or "DequantizeLinear");
    }

    [Fact]
    public void SparseTensorWithTooFewValuesIsACorruptModel()
    {
        var sparsity = new TfliteSparsity([0, 1], [], [new TfliteDimensionMetadata(false, 2, [], []), new TfliteDimensionMetadata(true, 0, [0, 2, 3], [0, 1, 1])]);
        var tensor = new TfliteTensor("w", [2, 2], TfliteTensorType.Float32, new byte[8], Sparsity: sparsity);
        var e = Assert.Throws<InvalidDataException>(() => TfliteDensifier.Densify(tensor));
        Assert.Contains("fewer values", e.Message);
    }

    [Theory]
    [InlineData(7, 7, 3, 1, 1, 1, 0)]
    [InlineData(8, 8, 3, 2, 2, 1, 0)]
    [InlineData(9, 9, 3, 2, 1, 1, 1)]
    [InlineData(9, 9, 3, 1, 1, 2, 0)]
    [InlineData(7, 9, 5, 2, 3, 1, 0)]
    public void DepthwiseConv2D(int h, int w, int k, int stride, int multiplier, int dilation, int paddingCode)
    {
        var padding = (TflitePadding)paddingCode;
        var g = new TfliteTestGraph();
        var x = g.Input(1, h, w, 3);
        var o = new DepthwiseConv2DOptions(padding, stride, stride, multiplier, TfliteActivation.Relu6, dilation, dilation);
        var y = g.Op(Op.DEPTHWISE_CONV_2D, o, [g.Pointwise(x, 3), g.HalfConst(1, k, k, 3 * multiplier), g.HalfConst(3 * multiplier)],
            [1, OutSize(padding, h, k, stride, dilation), OutSize(padding, w, k, stride, dilation), 3 * multiplier]);
        g.AssertMatchesReference(y);
    }

    [Theory]
    [InlineData(4, 5, 2, 2, 0, 8, 10)]
    [InlineData(4, 4, 3, 2, 0, 8, 8)]
    [InlineData(4, 5, 4, 2, 0, 8, 10)]
    [InlineData(4, 4, 3, 2, 1, 9, 9)]
    [InlineData(5, 5, 3, 1, 0, 5, 5)]
    [InlineData(3, 3, 1, 2, 0, 6, 6)]
    public void Convolution2DTransposeBias(int h, int w, int k, int stride, int paddingCode, int outH, int outW)
    {
        var padding = (TflitePadding)paddingCode;
        var g = new TfliteTestGraph();
        var x = g.Input(1, h, w, 4);
        var y = g.Op(Op.CUSTOM, new TransposeConvOptions(padding, stride, stride), [g.Pointwise(x, 4), g.HalfConst(2, k, k, 4), g.HalfConst(2)],
            [1, outH, outW, 2], "Convolution2DTransposeBias");
        g.AssertMatchesReference(y);
    }

    [Fact]
    public void BuiltinTransposeConvWithFusedActivation()
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 4, 5, 3), 3);
        var y = g.Op(Op.TRANSPOSE_CONV, new TransposeConvOptions(TflitePadding.Same, 2, 2, TfliteActivation.Relu),
            [g.Ints([4], 1, 8, 10, 2), g.Const(2, 3, 3, 3), x, g.Const(2)], [1, 8, 10, 2]);
        g.AssertMatchesReference(y);
    }

    [Theory]
    [InlineData(1, 7, 3, 2, 0)]
    [InlineData(1, 8, 2, 2, 1)]
    [InlineData(1, 6, 6, 6, 1)]
    [InlineData(1, 8, 3, 1, 0)]
    [InlineData(17, 7, 3, 2, 0)]
    [InlineData(17, 9, 3, 2, 1)]
    public void Pool2D(int opCode, int size, int k, int stride, int paddingCode)
    {
        var (code, padding) = ((Op)opCode, (TflitePadding)paddingCode);
        var g = new TfliteTestGraph();
        var x = g.Input(1, size, size + 1, 3);
        var o = new Pool2DOptions(padding, stride, stride, k, k, TfliteActivation.Relu);
        var y = g.Op(code, o, [g.Pointwise(x, 5)], [1, OutSize(padding, size, k, stride), OutSize(padding, size + 1, k, stride), 5]);
        g.AssertMatchesReference(y);
    }

    [Fact]
    public void GlobalAveragePoolBecomesGlobalAveragePool()
    {
        var g = new TfliteTestGraph();
        var x = g.Input(1, 6, 6, 3);
        var y = g.Op(Op.AVERAGE_POOL_2D, new Pool2DOptions(TflitePadding.Valid, 6, 6, 6, 6, TfliteActivation.None), [g.Pointwise(x, 4)], [1, 1, 1, 4]);
        var model = g.AssertMatchesReference(y);
        Assert.Contains(model.Graph.Node, n => n.OpType == "GlobalAveragePool");
    }

    [Theory]
    [InlineData(new[] { 1, 2 }, true, new[] { 1, 1, 1, 6 })]
    [InlineData(new[] { 1, 2 }, false, new[] { 1, 6 })]
    [InlineData(new[] { 2 }, false, new[] { 1, 4, 6 })]
    [InlineData(new[] { -1 }, true, new[] { 1, 4, 5, 1 })]
    [InlineData(new[] { 1 }, false, new[] { 1, 5, 6 })]
    [InlineData(new[] { 3, 1 }, false, new[] { 1, 5 })]
    public void Mean(int[] axes, bool keepDims, int[] outShape)
    {
        var g = new TfliteTestGraph();
        var x = g.Input(1, 4, 5, 3);
        var y = g.Op(Op.MEAN, new ReducerOptions(keepDims), [g.Pointwise(x, 6), g.Ints([axes.Length], axes)], outShape);
        g.AssertMatchesReference(y);
    }

    [Fact]
    public void BinaryOperatorsBroadcastConstantsAndFuseActivations()
    {
        var g = new TfliteTestGraph();
        var x = g.Input(1, 5, 4, 3);
        var a = g.Pointwise(x, 4);
        var b = g.Pointwise(x, 4);
        int[] s = [1, 5, 4, 4];
        var add = g.Op(Op.ADD, new FusedActivationOptions(TfliteActivation.Relu6), [a, g.Const(4)], s);
        var mul = g.Op(Op.MUL, new FusedActivationOptions(TfliteActivation.None), [g.Const(1, 1, 1, 4), add], s);
        var sub = g.Op(Op.SUB, new FusedActivationOptions(TfliteActivation.Relu), [mul, b], s);
        var div = g.Op(Op.DIV, new FusedActivationOptions(TfliteActivation.None), [sub, g.Const(1, 5, 1, 1)], s);
        var mixed = g.Op(Op.ADD, new FusedActivationOptions(TfliteActivation.None), [div, g.Input(1, 5, 4, 4)], s);
        g.AssertMatchesReference(mixed, add);
    }

    [Fact]
    public void UnaryActivations()
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 4, 4, 3), 3);
        int[] s = [1, 4, 4, 3];
        var y = g.Op(Op.HARD_SWISH, null, [x], s);
        y = g.Op(Op.RELU6, null, [g.Op(Op.ADD, new FusedActivationOptions(TfliteActivation.None), [y, g.Const(3)], s)], s);
        y = g.Op(Op.TANH, null, [g.Op(Op.RELU_N1_TO_1, null, [g.Op(Op.LOGISTIC, null, [y], s)], s)], s);
        var r = g.Op(Op.RELU, null, [x], s);
        g.AssertMatchesReference(y, r);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(2)]
    public void Concatenation(int axis)
    {
        var g = new TfliteTestGraph();
        var x = g.Input(1, 4, 4, 3);
        var a = g.Pointwise(x, 2);
        var b = g.Pointwise(x, 2);
        var outShape = new[] { 1, 4, 4, 2 };
        outShape[axis < 0 ? axis + 4 : axis] *= 3;
        var y = g.Op(Op.CONCATENATION, new ConcatenationOptions(axis, TfliteActivation.Relu), [a, b, g.Const(1, 4, 4, 2)], outShape);
        g.AssertMatchesReference(y);
    }

    [Fact]
    public void PadAndPadV2()
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 4, 5, 3), 3);
        var p = g.Op(Op.PAD, null, [x, g.Ints([4, 2], 0, 0, 1, 2, 2, 1, 0, 0)], [1, 7, 8, 3]);
        var q = g.Op(Op.PADV2, null, [p, g.Ints([4, 2], 0, 0, 0, 0, 0, 0, 1, 2), g.Const(1)], [1, 7, 8, 6]);
        g.AssertMatchesReference(q);
    }

    [Fact]
    public void ReshapeKeepsTfliteElementOrder()
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 4, 4, 3), 8);
        var flat = g.Op(Op.RESHAPE, new ReshapeOptions([1, 16, 8]), [x, g.Ints([3], 1, 16, 8)], [1, 16, 8]);
        var back = g.Op(Op.RESHAPE, new ReshapeOptions([1, 2, 8, 8]), [flat, g.Ints([4], 1, 2, 8, 8)], [1, 2, 8, 8]);
        var y = g.Pointwise(back, 3);
        g.AssertMatchesReference(y, flat);
    }

    [Fact]
    public void ReshapeAfterGlobalPoolNeedsNoTranspose()
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 4, 4, 3), 8);
        var pooled = g.Op(Op.MEAN, new ReducerOptions(true), [x, g.Ints([2], 1, 2)], [1, 1, 1, 8]);
        var y = g.Op(Op.RESHAPE, new ReshapeOptions([1, 8]), [pooled, g.Ints([2], 1, 8)], [1, 8]);
        var model = g.AssertMatchesReference(y);
        Assert.Equal(1, model.Graph.Node.Count(n => n.OpType == "Transpose"));
    }

    [Fact]
    public void DepthToSpaceAndSpaceToDepth()
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 3, 4, 3), 8);
        var d = g.Op(Op.DEPTH_TO_SPACE, new BlockSizeOptions(2), [x], [1, 6, 8, 2]);
        var s = g.Op(Op.SPACE_TO_DEPTH, new BlockSizeOptions(2), [g.Op(Op.ADD, new FusedActivationOptions(TfliteActivation.None), [d, g.Const(2)], [1, 6, 8, 2])], [1, 3, 4, 8]);
        g.AssertMatchesReference(d, s);
    }

    [Theory]
    [InlineData(false, true, 4, 5, 8, 10)]
    [InlineData(false, true, 4, 5, 9, 7)]
    [InlineData(false, true, 8, 6, 3, 4)]
    [InlineData(true, false, 4, 5, 9, 7)]
    [InlineData(true, false, 5, 5, 3, 8)]
    [InlineData(false, false, 4, 5, 8, 10)]
    [InlineData(false, false, 4, 5, 3, 7)]
    public void ResizeBilinear(bool alignCorners, bool halfPixel, int h, int w, int outH, int outW)
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, h, w, 3), 2);
        var y = g.Op(Op.RESIZE_BILINEAR, new ResizeBilinearOptions(alignCorners, halfPixel), [x, g.Ints([2], outH, outW)], [1, outH, outW, 2]);
        g.AssertMatchesReference(y);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    public void Softmax(float beta)
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 3, 4, 3), 5);
        g.AssertMatchesReference(g.Op(Op.SOFTMAX, new SoftmaxOptions(beta), [x], [1, 3, 4, 5]));
    }

    [Fact]
    public void UnsupportedOperatorIsNamedWithItsIndex()
    {
        var g = new TfliteTestGraph();
        var x = g.Pointwise(g.Input(1, 3, 4, 3), 5);
        var y = g.Op(Op.SVDF, null, [x], [1, 3, 4, 5]);
        var e = Assert.Throws<SynthstageException>(() => TfliteToOnnxConverter.Convert(g.Build(y)));
        Assert.Equal(ExitCodes.BadModel, e.ExitCode);
        Assert.Contains("operator 1 (SVDF)", e.Message);
    }

    [Fact]
    public void UnknownCustomOperatorIsNamed()
    {
        var g = new TfliteTestGraph();
        var y = g.Op(Op.CUSTOM, null, [g.Input(1, 3, 4, 3)], [1, 3, 4, 3], "MyCustomOp");
        var e = Assert.Throws<SynthstageException>(() => TfliteToOnnxConverter.Convert(g.Build(y)));
        Assert.Contains("operator 0 (MyCustomOp)", e.Message);
    }
}
