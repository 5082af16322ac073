using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Synthstage.Onnx;

namespace Synthstage.Tests.Onnx;

public class OnnxGraphBuilderTests
{
    [Fact]
    public void BuiltGraphRunsInOnnxRuntime()
    {
        var b = new OnnxGraphBuilder("add_relu");
        var x = b.Input("x", TensorProto.Types.DataType.Float, "n", 3);
        var bias = b.Initializer("bias", new float[] { 1, -2, 0.5f }, 3);
        var sum = b.Node("Add", [x, bias]);
        b.NamedNode("Relu", [sum], "y");
        b.Output("y", TensorProto.Types.DataType.Float, "n", 3);

        using var session = new InferenceSession(b.ToBytes());
        var input = new DenseTensor<float>(new float[] { 0, 1, -1, 2, 2, 2 }, [2, 3]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", input)]);
        Assert.Equal(new float[] { 1, 0, 0, 3, 0, 2.5f }, results[0].AsTensor<float>().ToArray());
    }

    [Fact]
    public void ExternalDataRoundTrips()
    {
        var dir = Directory.CreateTempSubdirectory("ss-onnx-").FullName;
        try
        {
            var b = new OnnxGraphBuilder("mul");
            var x = b.Input("x", TensorProto.Types.DataType.Float, 1024);
            var w = b.Initializer("w", Enumerable.Range(0, 1024).Select(i => (float)i).ToArray(), 1024);
            b.NamedNode("Mul", [x, w], "y");
            b.Output("y", TensorProto.Types.DataType.Float, 1024);
            var path = Path.Combine(dir, "model.onnx");
            b.Save(path, "weights.pb", externalThresholdBytes: 16);

            Assert.True(new FileInfo(Path.Combine(dir, "weights.pb")).Length >= 4096);
            Assert.False(File.Exists(path + ".partial"));
            using var session = new InferenceSession(path);
            var ones = new DenseTensor<float>(Enumerable.Repeat(2f, 1024).ToArray(), [1024]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", ones)]);
            Assert.Equal(2f * 1023, results[0].AsTensor<float>()[1023]);
        }
        finally { Directory.Delete(dir, true); }
    }
}
