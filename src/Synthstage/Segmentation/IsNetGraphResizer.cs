using Google.Protobuf;
using Onnx;

namespace Synthstage.Segmentation;

/// <summary>
/// Rewrites the packaged IS-Net graph for a smaller square input. The export fixed every upsampling size: each of
/// its 39 Resize nodes takes <c>sizes = Concat(Slice(Shape(x)), Constant[h, w])</c>, with [h, w] the size at
/// 1024×1024. The convolutions and poolings follow the input by themselves, so scaling those constants (and the
/// declared input and output shapes) is all a 512×512 graph needs — about a quarter of the work per frame.
/// </summary>
public static class IsNetGraphResizer
{
    /// <summary>The input side the package's graph was exported at.</summary>
    public const int ExportedSize = 1024;

    /// <summary>Returns the graph of <paramref name="onnx"/> rewritten for a <paramref name="size"/>² input.</summary>
    /// <exception cref="SynthstageException">The graph is not the packaged IS-Net layout (a Resize whose sizes are not
    /// such a Concat), or the size does not divide the exported one into a power of two (BadModel / Usage).</exception>
    public static byte[] Resize(byte[] onnx, int size)
    {
        if (size <= 0 || ExportedSize % size != 0 || !int.IsPow2(ExportedSize / size))
            throw new SynthstageException($"IS-Net input size {size} must be {ExportedSize} divided by a power of two (512, 256)", ExitCodes.Usage);
        var model = ModelProto.Parser.ParseFrom(onnx);
        var graph = model.Graph;
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        foreach (var output in node.Output)
            producers[output] = node;
        var divisor = ExportedSize / size;
        var scaled = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var resizes = 0;
        foreach (var resize in graph.Node.Where(n => n.OpType == "Resize"))
        {
            resizes++;
            if (resize.Input.Count < 4 || !producers.TryGetValue(resize.Input[3], out var concat) || concat.OpType != "Concat")
                throw NotIsNet($"{resize.Name} takes no Concat of target sizes");
            var constant = concat.Input.Select(i => producers.GetValueOrDefault(i)).LastOrDefault(p => p?.OpType == "Constant")
                ?? throw NotIsNet($"{resize.Name}'s sizes hold no constant");
            // A constant shared by several Concats is scaled once.
            if (scaled.Add(constant)) ScaleInt64(constant, divisor, resize.Name);
        }
        if (resizes == 0) throw NotIsNet("it has no Resize node");
        foreach (var value in graph.Input.Concat(graph.Output))
            foreach (var dim in value.Type.TensorType.Shape.Dim.Skip(2))
                if (dim.DimValue > 0) dim.DimValue /= divisor;
        // Shapes inferred at export time would contradict the new sizes; ONNX Runtime infers them again.
        graph.ValueInfo.Clear();
        return model.ToByteArray();
    }

    private static void ScaleInt64(NodeProto constant, int divisor, string resize)
    {
        var tensor = constant.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
        if (tensor is null || tensor.DataType != (int)TensorProto.Types.DataType.Int64) throw NotIsNet($"{resize}'s size constant is not int64");
        if (tensor.RawData.Length > 0)
        {
            var values = tensor.RawData.ToByteArray();
            var longs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(values.AsSpan());
            for (var i = 0; i < longs.Length; i++) longs[i] = Scale(longs[i], divisor, resize);
            tensor.RawData = ByteString.CopyFrom(values);
        }
        else
        {
            for (var i = 0; i < tensor.Int64Data.Count; i++) tensor.Int64Data[i] = Scale(tensor.Int64Data[i], divisor, resize);
        }
    }

    private static long Scale(long value, int divisor, string resize) =>
        value % divisor == 0 ? value / divisor : throw NotIsNet($"{resize} targets {value}, which {divisor} does not divide");

    private static SynthstageException NotIsNet(string why) =>
        new($"the IS-Net graph cannot be resized: {why}; reinstall it with 'synthstage models install isnet'", ExitCodes.BadModel);
}
