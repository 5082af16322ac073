using Onnx;
using Synthstage.Onnx;
using Synthstage.Segmentation;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Tests.Segmentation;

/// <summary>User ONNX models recognised by signature, on small real graphs with those signatures.</summary>
public sealed class MattingModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-matting-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // RVM's interface: pha = 0.1·r1i + r3i (broadcast over the frame), r1o = r1i + 1, r3o = downsample_ratio,
    // r2o/r4o pass through, fgr = src. So frame k shows 0.1·k, plus the ratio from the second frame on.
    private string WriteRvmLikeGraph()
    {
        var b = new OnnxGraphBuilder("rvm_like");
        var src = b.Input("src", DataType.Float, 1, 3, "h", "w");
        var states = new[] { "r1i", "r2i", "r3i", "r4i" }.Select(n => b.Input(n, DataType.Float, 1, "c", "y", "x")).ToArray();
        var ratio = b.Input("downsample_ratio", DataType.Float, 1);
        var plane = b.Node("ReduceMean", [src], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
        var zero = b.Node("Mul", [plane, b.Scalar("zero", 0f)]);
        var scaled = b.Node("Mul", [states[0], b.Scalar("tenth", 0.1f)]);
        var withRatio = b.Node("Add", [scaled, states[2]]);
        b.NamedNode("Add", [zero, withRatio], "pha");
        b.NamedNode("Identity", [src], "fgr");
        b.NamedNode("Add", [states[0], b.Scalar("one", 1f)], "r1o");
        b.NamedNode("Identity", [states[1]], "r2o");
        b.NamedNode("Reshape", [ratio, b.Int64s("shape", 1, 1, 1, 1)], "r3o");
        b.NamedNode("Identity", [states[3]], "r4o");
        b.Output("fgr", DataType.Float, 1, 3, "h", "w");
        b.Output("pha", DataType.Float, 1, 1, "h", "w");
        foreach (var n in new[] { "r1o", "r2o", "r3o", "r4o" }) b.Output(n, DataType.Float, 1, "c", "y", "x");
        var path = Path.Combine(_dir, "rvm.onnx");
        b.Save(path);
        return path;
    }

    [Fact]
    public void RobustVideoMattingCarriesItsRecurrentStateFromFrameToFrameAndResets()
    {
        const int width = 1280, height = 720;
        using var segmenter = SegmentationModelResolver.OpenOnnx(WriteRvmLikeGraph(), width, height, new SessionOptionsSpec());
        var rvm = Assert.IsType<RobustVideoMattingSegmenter>(segmenter);
        Assert.Equal(0.4f, rvm.DownsampleRatio, 1e-6f); // 1280 · 0.4 = 512
        Assert.Equal((width, height), (segmenter.MaskWidth, segmenter.MaskHeight));
        var frame = new byte[width * height * 3];
        var mask = new float[width * height];
        var seen = new List<float>();
        for (var k = 0; k < 4; k++)
        {
            segmenter.Segment(frame, width, height, 3, mask);
            Assert.Equal(mask[0], mask[^1]);
            seen.Add(mask[0]);
        }
        Assert.Equal(new[] { 0f, 0.1f + 0.4f, 0.2f + 0.4f, 0.3f + 0.4f }, seen, (a, b) => MathF.Abs(a - b) < 1e-5f);
        segmenter.Reset();
        segmenter.Segment(frame, width, height, 3, mask);
        Assert.Equal(0f, mask[0]);
        segmenter.Segment(frame, width, height, 3, mask);
        Assert.Equal(0.5f, mask[0], 1e-5f);
    }

    [Fact]
    public void RobustVideoMattingSteadyStateFramesAllocateNoManagedMemory()
    {
        using var segmenter = SegmentationModelResolver.OpenOnnx(WriteRvmLikeGraph(), 64, 48, new SessionOptionsSpec());
        var frame = new byte[64 * 48 * 3];
        var mask = new float[64 * 48];
        segmenter.Segment(frame, 64, 48, 3, mask);
        segmenter.Segment(frame, 64, 48, 3, mask);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++) segmenter.Segment(frame, 64, 48, 3, mask);
        // No tensors or states are allocated; what remains is ONNX Runtime's managed Run wrapper (under 1 KB a call).
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 5 * 1024);
    }

    [Theory]
    [InlineData(1280, 720, 0.4f)]
    [InlineData(1920, 1080, 512f / 1920)]
    [InlineData(3840, 2160, 512f / 3840)]
    [InlineData(400, 300, 1f)]
    [InlineData(2000, 500, 256f / 500)]
    public void DownsampleRatioKeepsTheReducedSideWithin256To512(int width, int height, float expected) =>
        Assert.Equal(expected, RobustVideoMattingSegmenter.ChooseDownsampleRatio(width, height), 1e-6f);

    [Fact]
    public void ModnetGetsInputsNormalisedToMinusOneToOneAtMultiplesOf32()
    {
        var b = new OnnxGraphBuilder("modnet_like");
        var input = b.Input("input", DataType.Float, "batch", 3, "height", "width");
        b.NamedNode("ReduceMean", [input], "output", OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
        b.Output("output", DataType.Float, "batch", 1, "height", "width");
        var path = Path.Combine(_dir, "modnet.onnx");
        b.Save(path);

        using var segmenter = SegmentationModelResolver.OpenOnnx(path, 1280, 720, new SessionOptionsSpec());
        Assert.IsType<ModnetSegmenter>(segmenter);
        Assert.Equal((896, 512), (segmenter.MaskWidth, segmenter.MaskHeight)); // shorter side 512, 910 → 896
        var frame = Enumerable.Repeat((byte)191, 1280 * 720 * 3).ToArray();
        var mask = new float[896 * 512];
        segmenter.Segment(frame, 1280, 720, 3, mask);
        Assert.All(new[] { mask[0], mask[mask.Length / 2], mask[^1] }, v => Assert.Equal(191 / 127.5f - 1, v, 1e-5f));
    }

    [Theory]
    [InlineData(1280, 720, 896, 512)]
    [InlineData(400, 300, 672, 512)]
    [InlineData(600, 500, 576, 480)]
    [InlineData(720, 1280, 512, 896)]
    public void ModnetInputSizeFollowsItsDemo(int width, int height, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), ModnetSegmenter.InputSize(width, height));

    [Fact]
    public void AGraphOfNoKnownKindIsAOneLineErrorListingItsInputsAndOutputs()
    {
        var b = new OnnxGraphBuilder("classifier");
        var x = b.Input("features", DataType.Float, 1, 10);
        var ids = b.Input("ids", DataType.Int64, "n");
        b.NamedNode("Identity", [x], "logits");
        b.NamedNode("Identity", [ids], "same_ids");
        b.Output("logits", DataType.Float, 1, 10);
        b.Output("same_ids", DataType.Int64, "n");
        var path = Path.Combine(_dir, "classifier.onnx");
        b.Save(path);

        var ex = Assert.Throws<SynthstageException>(() => SegmentationModelResolver.OpenOnnx(path, 640, 480, new SessionOptionsSpec()));
        Assert.Equal(ExitCodes.BadModel, ex.ExitCode);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("classifier.onnx", ex.Message);
        Assert.Contains("features float[1,10]", ex.Message);
        Assert.Contains("ids int64[?]", ex.Message);
        Assert.Contains("logits float[1,10]", ex.Message);
        Assert.Contains("Robust Video Matting", ex.Message);
    }
}
