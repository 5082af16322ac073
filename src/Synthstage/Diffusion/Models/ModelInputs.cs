using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Synthstage.Diffusion.Models;

/// <summary>Looks up a session's inputs and outputs by name and checks their element types, with errors that name the file.</summary>
internal static class ModelInputs
{
    /// <summary>The input called <paramref name="name"/> (or the only input), or a clear error naming the file and the expectation.</summary>
    public static (string Name, NodeMetadata Metadata) Input(InferenceSession session, string path, string name, string expected) =>
        Find(session.InputMetadata, path, "input", name, expected);

    /// <summary>The output called <paramref name="name"/>, else the first output.</summary>
    public static (string Name, NodeMetadata Metadata) Output(InferenceSession session, string path, string name, string expected)
    {
        if (session.OutputMetadata.TryGetValue(name, out var meta)) return (name, meta);
        if (session.OutputMetadata.Count >= 1)
        {
            var first = session.OutputNames[0];
            return (first, session.OutputMetadata[first]);
        }
        throw new SynthstageException($"'{path}' has no outputs; expected {expected}", ExitCodes.BadModel);
    }

    private static (string, NodeMetadata) Find(IReadOnlyDictionary<string, NodeMetadata> nodes, string path, string kind, string name, string expected)
    {
        if (nodes.TryGetValue(name, out var meta)) return (name, meta);
        if (nodes.Count == 1)
        {
            var only = nodes.First();
            return (only.Key, only.Value);
        }
        throw new SynthstageException(
            $"'{path}' lacks {kind} '{name}' (it has {string.Join(", ", nodes.Keys)}); expected {expected}", ExitCodes.BadModel);
    }

    /// <summary>Requires a float32 or float16 tensor.</summary>
    public static TensorElementType FloatType(NodeMetadata meta, string path, string name)
    {
        if (meta.IsTensor && meta.ElementDataType is TensorElementType.Float or TensorElementType.Float16) return meta.ElementDataType;
        throw new SynthstageException($"'{path}': '{name}' is {Describe(meta)}; expected a float32 or float16 tensor", ExitCodes.BadModel);
    }

    /// <summary>Requires a tensor of rank <paramref name="rank"/>.</summary>
    public static void Rank(NodeMetadata meta, string path, string name, int rank, string layout)
    {
        if (meta.Dimensions.Length != rank)
            throw new SynthstageException($"'{path}': '{name}' has rank {meta.Dimensions.Length}; expected {layout}", ExitCodes.BadModel);
    }

    /// <summary>The fixed batch size of the first dimension, or null when it is symbolic (dynamic).</summary>
    public static int? StaticBatch(NodeMetadata meta) => meta.Dimensions.Length > 0 && meta.Dimensions[0] > 0 ? meta.Dimensions[0] : null;

    public static string Describe(NodeMetadata meta) =>
        meta.IsTensor ? $"{meta.ElementDataType} [{string.Join(", ", meta.Dimensions.Select((d, i) => d > 0 ? d.ToString() : meta.SymbolicDimensions.ElementAtOrDefault(i) ?? "?"))}]" : meta.OnnxValueType.ToString();
}
