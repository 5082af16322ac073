using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Synthstage.Segmentation;

/// <summary>Recognises which <see cref="MattingModelKind"/> an ONNX session is from its input and output names, types and shapes.</summary>
public static class MattingModelSignature
{
    /// <summary>Input names of a Robust Video Matting graph.</summary>
    public static readonly string[] RvmInputs = ["src", "r1i", "r2i", "r3i", "r4i", "downsample_ratio"];

    /// <summary>Output names of a Robust Video Matting graph that Synthstage reads (fgr may also be present).</summary>
    public static readonly string[] RvmOutputs = ["pha", "r1o", "r2o", "r3o", "r4o"];

    /// <summary>Returns the kind of model <paramref name="session"/> holds.</summary>
    /// <exception cref="SynthstageException">The graph matches none of the known signatures; the message lists its inputs and outputs.</exception>
    public static MattingModelKind Recognise(InferenceSession session, string displayName)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        if (RvmInputs.All(inputs.ContainsKey) && RvmOutputs.All(outputs.ContainsKey)) return MattingModelKind.RobustVideoMatting;
        if (inputs.Count == 1 && outputs.Count >= 1)
        {
            var input = inputs.First().Value;
            var output = outputs.First().Value;
            var d = input.Dimensions;
            if (input.IsTensor && input.ElementType == typeof(float) && d.Length == 4)
            {
                var channelsFirst = d[1] == 3 && d[3] != 3;
                var channelsLast = d[3] == 3;
                var (h, w) = channelsFirst ? (d[2], d[3]) : (d[1], d[2]);
                var o = output.Dimensions;
                if ((channelsFirst || channelsLast) && h > 0 && w > 0 && o.All(x => x > 0) && o.Aggregate(1L, (a, b) => a * b) == (long)h * w)
                    return MattingModelKind.SelfieStyle;
                if (channelsFirst && (h <= 0 || w <= 0) && o.Length == 4 && o[1] == 1 && output.ElementType == typeof(float))
                    return MattingModelKind.Modnet;
            }
        }
        throw new SynthstageException(
            $"'{displayName}' is not a recognised segmentation or matting model: inputs {Describe(inputs)}; outputs {Describe(outputs)}. " +
            "Expected a selfie-style mask model (one fixed image input [1,H,W,3] or [1,3,H,W] → H×W mask), MODNet ([N,3,H,W] with free H and W → [N,1,H,W]) " +
            "or Robust Video Matting (src, r1i..r4i, downsample_ratio → fgr, pha, r1o..r4o)", ExitCodes.BadModel);
    }

    /// <summary>Formats metadata as <c>name float[1,3,?,?]</c> entries.</summary>
    public static string Describe(IReadOnlyDictionary<string, NodeMetadata> values) =>
        values.Count == 0 ? "none" : string.Join(", ", values.Select(v => v.Value.IsTensor
            ? $"{v.Key} {TypeName(v.Value.ElementType)}[{string.Join(",", v.Value.Dimensions.Select(x => x > 0 ? x.ToString(CultureInfo.InvariantCulture) : "?"))}]"
            : $"{v.Key} ({v.Value.OnnxValueType})"));

    private static string TypeName(Type t) => t == typeof(float) ? "float" : t == typeof(Float16) ? "float16" : t.Name.ToLowerInvariant();
}
