using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Synthstage.Tfjs;
using Tensor = Synthstage.Tests.Tfjs.TfjsReferenceForward.Tensor;

namespace Synthstage.Tests.Tfjs;

/// <summary>Imports a model.json and runs it once through a real ONNX Runtime session.</summary>
public static class TfjsOnnxRun
{
    public static Tensor Run(string modelJson, Tensor input, TfjsImportOptions? options = null) => Run(TfjsImporter.ConvertToOnnx(modelJson, options), input);

    public static Tensor Run(byte[] onnx, Tensor input)
    {
        using var session = new InferenceSession(onnx);
        var tensor = new DenseTensor<float>(input.Data, [1, input.H, input.W, input.C]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), tensor)]);
        var output = results.Single().AsTensor<float>();
        var dims = output.Dimensions.ToArray();
        Assert.Equal(1, dims[0]);
        return new Tensor(dims[1], dims[2], dims[3], output.ToArray());
    }

    /// <summary>Asserts equal shapes and max |a − b| ≤ <paramref name="tolerance"/>.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, float tolerance)
    {
        Assert.Equal((expected.H, expected.W, expected.C), (actual.H, actual.W, actual.C));
        var worst = 0f;
        for (var i = 0; i < expected.Data.Length; i++) worst = Math.Max(worst, Math.Abs(expected.Data[i] - actual.Data[i]));
        Assert.True(worst <= tolerance, $"max |diff| {worst} > {tolerance}");
    }
}
