using Google.Protobuf;

namespace Synthstage.Tflite;

/// <summary>
/// Converts TFLite models (such as MediaPipe's selfie segmentation) to ONNX graphs that ONNX Runtime runs with the
/// same results: inputs and outputs keep their TFLite NHWC shapes and names, the inside runs NCHW.
/// </summary>
/// <remarks>
/// Reads subgraph 0 only. Supported operators: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, MediaPipe's custom
/// Convolution2DTransposeBias, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN, ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, RELU,
/// RELU6, RELU_N1_TO_1, TANH, LOGISTIC, HARD_SWISH, EXP, ABS, NEG, SQRT, SOFTMAX, CONCATENATION, PAD, PADV2,
/// RESHAPE, SQUEEZE, EXPAND_DIMS, DEPTH_TO_SPACE, SPACE_TO_DEPTH, RESIZE_BILINEAR, DEQUANTIZE (fp16 or
/// quantized constant weights become float32 initializers) and DENSIFY (sparse constant weights, as in MediaPipe's
/// pose detector, are expanded at import time). Graph inputs and outputs must be float32 with static
/// shapes. The ONNX graph uses the default domain at opset <see cref="Opset"/>.
/// </remarks>
public static class TfliteImporter
{
    /// <summary>The ONNX opset version of the converted graphs.</summary>
    public const int Opset = TfliteToOnnxConverter.Opset;

    /// <summary>Converts a TFLite model held in memory and returns the serialized ONNX model.</summary>
    /// <param name="tflite">The bytes of a .tflite file (a FlatBuffer with identifier "TFL3").</param>
    /// <param name="options">Input/output names and graph name; null for the defaults.</param>
    /// <returns>An ONNX ModelProto, ready for <c>new InferenceSession(bytes)</c>.</returns>
    /// <exception cref="SynthstageException">The bytes are not a TFLite model, are corrupt, or use an operator the
    /// importer does not support (the message names the operator and its index); exit code BadModel.</exception>
    public static byte[] ConvertToOnnx(ReadOnlySpan<byte> tflite, TfliteImportOptions? options = null) =>
        Build(tflite.ToArray(), "model", options).ToByteArray();

    /// <summary>Converts the .tflite file at <paramref name="path"/> and returns the serialized ONNX model.</summary>
    /// <exception cref="SynthstageException">The file is missing or unreadable, not a TFLite model, or unsupported (BadModel).</exception>
    public static byte[] ConvertToOnnx(string path, TfliteImportOptions? options = null) =>
        Build(ReadModelFile(path), path, options).ToByteArray();

    /// <summary>
    /// Converts the .tflite file <paramref name="inputPath"/> and writes the ONNX model to
    /// <paramref name="outputPath"/>, under a temporary name first and renamed when complete, so a failed run never
    /// leaves a partial model behind.
    /// </summary>
    /// <exception cref="SynthstageException">The input is missing, corrupt or unsupported (BadModel), or the output
    /// cannot be written (BadOutput).</exception>
    public static void Convert(string inputPath, string outputPath, TfliteImportOptions? options = null)
    {
        var model = Build(ReadModelFile(inputPath), inputPath, options);
        AtomicFile.Write(outputPath, model.WriteTo, "the ONNX model");
    }

    private static byte[] ReadModelFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot read the TFLite model {path}: {e.Message}", ExitCodes.BadModel, e);
        }
    }

    private static global::Onnx.ModelProto Build(byte[] bytes, string source, TfliteImportOptions? options)
    {
        var model = TfliteModelReader.Read(bytes, source);
        var builder = TfliteToOnnxConverter.Convert(model.SubGraphs[0], options);
        if (model.Description is { Length: > 0 } description) builder.Graph.DocString = "Converted from TFLite: " + description;
        return builder.Build("synthstage-tflite");
    }
}
