using Google.Protobuf;

namespace Synthstage.Tfjs;

/// <summary>
/// Converts TensorFlow.js layers models (a <c>model.json</c> plus binary weight shards, such as UpscalerJS's ESRGANs)
/// to ONNX graphs that ONNX Runtime runs with the same results: the input and output keep the NHWC layout and the
/// values of TF.js, the inside runs NCHW.
/// </summary>
/// <remarks>
/// Supported layers: InputLayer, Conv2D (stride 1, dilation 1, same or valid padding, any kernel size, with or
/// without bias, activations linear/relu/sigmoid/tanh), Activation, ReLU (plain, with max_value, or leaky),
/// Concatenate (channel axis), Add and UpSampling2D (nearest). Height, width and batch may be dynamic. Weights must be
/// float32. A model that keeps geometry (output = factor × input on both axes) gets the metadata
/// <see cref="UpscaleFactorKey"/> and <see cref="ReceptiveRadiusKey"/>.
/// </remarks>
public static class TfjsImporter
{
    /// <summary>The ONNX opset version of the converted graphs.</summary>
    public const int Opset = TfjsToOnnxConverter.Opset;

    /// <summary>Metadata key: the integer factor from input to output size (1 for a same-size model).</summary>
    public const string UpscaleFactorKey = "synthstage.upscale_factor";

    /// <summary>
    /// Metadata key: how many input pixels away from an output pixel the values it depends on can lie (rounded up).
    /// Tiles that overlap by at least this much give the same result as one whole-image run.
    /// </summary>
    public const string ReceptiveRadiusKey = "synthstage.receptive_radius";

    /// <summary>Converts the model at <paramref name="modelJsonPath"/> (shards beside it) and returns the serialized ONNX model.</summary>
    /// <exception cref="SynthstageException">The model or a shard is missing, corrupt or unsupported; the message
    /// names the layer's class, name and index where one is at fault (BadModel).</exception>
    public static byte[] ConvertToOnnx(string modelJsonPath, TfjsImportOptions? options = null) =>
        Build(modelJsonPath, options).ToByteArray();

    /// <summary>
    /// Converts <paramref name="modelJsonPath"/> and writes the ONNX model to <paramref name="outputPath"/>, under a
    /// temporary name first and renamed when complete, so a failed run never leaves a partial model behind.
    /// </summary>
    /// <exception cref="SynthstageException">The input is missing, corrupt or unsupported (BadModel), or the output
    /// cannot be written (BadOutput).</exception>
    public static void Convert(string modelJsonPath, string outputPath, TfjsImportOptions? options = null)
    {
        var model = Build(modelJsonPath, options);
        AtomicFile.Write(outputPath, model.WriteTo, "the ONNX model");
    }

    private static global::Onnx.ModelProto Build(string modelJsonPath, TfjsImportOptions? options)
    {
        var model = TfjsModelReader.Read(modelJsonPath);
        return TfjsToOnnxConverter.Convert(model, Path.GetFullPath(modelJsonPath), options ?? new TfjsImportOptions());
    }
}
