using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Synthstage.Onnx;

namespace Synthstage.Tests.Onnx;

public class CudaSessionTests
{
    private static byte[] AddOneModel()
    {
        var b = new OnnxGraphBuilder("add_one");
        var x = b.Input("x", TensorProto.Types.DataType.Float, 4);
        b.NamedNode("Add", [x, b.Scalar("one", 1f)], "y");
        b.Output("y", TensorProto.Types.DataType.Float, 4);
        return b.ToBytes();
    }

    [Fact]
    public void CudaRunsWhereAGpuAndTheGpuBuildArePresent()
    {
        if (!File.Exists("/dev/nvidia0")) Assert.Skip("no NVIDIA GPU on this machine (/dev/nvidia0 absent)");
        if (!OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
            Assert.Skip("this build carries the CPU runtime; build with -p:SynthstageGpu=true to test CUDA");
        using var session = OnnxSessionFactory.Create(AddOneModel(), new SessionOptionsSpec(ExecutionDevice.Cuda), "add_one");
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(new float[] { 1, 2, 3, 4 }, [4]))]);
        Assert.Equal(new float[] { 2, 3, 4, 5 }, results[0].AsTensor<float>().ToArray());
    }

    [Fact]
    public void CudaWithoutTheProviderIsAClearError()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider") && File.Exists("/dev/nvidia0"))
            Assert.Skip("CUDA is usable here; the error path is covered on machines without it");
        var ex = Assert.Throws<SynthstageException>(() =>
            OnnxSessionFactory.Create(AddOneModel(), new SessionOptionsSpec(ExecutionDevice.Cuda), "add_one"));
        Assert.StartsWith("CUDA is not available", ex.Message);
        Assert.Contains("--device cpu", ex.Message);
    }
}
