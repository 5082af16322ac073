namespace Synthstage.Tflite;

/// <summary>
/// Expands a sparse TFLite constant (<see cref="TfliteSparsity"/>) into its dense row-major bytes, as the DENSIFY
/// operator does: levels are walked in traversal order (dense levels over all their indices, CSR levels over the
/// stored indices of the parent's segment), and block levels refine the dimension they are mapped to.
/// </summary>
internal static class TfliteDensifier
{
    /// <summary>The dense bytes of <paramref name="tensor"/> (same element type; zeros where nothing is stored).</summary>
    /// <exception cref="InvalidDataException">The sparse structure does not fit the tensor's shape or stored values.</exception>
    public static byte[] Densify(TfliteTensor tensor)
    {
        var sparsity = tensor.Sparsity ?? throw new InvalidDataException($"tensor '{tensor.Name}' is not sparse");
        var elementSize = TfliteModelReader.ElementSize(tensor.Type);
        if (elementSize == 0) throw new InvalidDataException($"sparse tensor '{tensor.Name}' has type {tensor.Type} without a fixed size");
        var shape = tensor.Shape;
        var rank = shape.Length;
        var blockSizes = sparsity.BlockMap.Select((_, b) => sparsity.Levels[Array.IndexOf(sparsity.TraversalOrder, rank + b)].DenseSize).ToArray();
        var strides = new long[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
        var dense = new byte[(long)tensor.ElementCount * elementSize];
        var source = tensor.Data;
        var levels = sparsity.TraversalOrder.Length;
        var indices = new int[levels];
        var next = 0;

        void Walk(int level, int parent)
        {
            if (level == levels)
            {
                var position = 0L;
                var original = new int[rank];
                for (var i = 0; i < levels; i++)
                {
                    var dim = sparsity.TraversalOrder[i];
                    if (dim < rank) original[dim] += indices[i] * BlockFactor(dim);
                    else original[sparsity.BlockMap[dim - rank]] += indices[i];
                }
                for (var d = 0; d < rank; d++)
                {
                    if ((uint)original[d] >= (uint)shape[d]) throw new InvalidDataException($"sparse tensor '{tensor.Name}' addresses index {original[d]} of dimension {d} (size {shape[d]})");
                    position += original[d] * strides[d];
                }
                if ((next + 1) * elementSize > source.Length) throw new InvalidDataException($"sparse tensor '{tensor.Name}' stores fewer values than its indices address");
                source.Span.Slice(next * elementSize, elementSize).CopyTo(dense.AsSpan((int)(position * elementSize), elementSize));
                next++;
                return;
            }
            var meta = sparsity.Levels[level];
            if (!meta.Sparse)
            {
                for (var i = 0; i < meta.DenseSize; i++)
                {
                    indices[level] = i;
                    Walk(level + 1, parent * meta.DenseSize + i);
                }
                return;
            }
            if (parent + 1 >= meta.Segments.Length) throw new InvalidDataException($"sparse tensor '{tensor.Name}' has too few segments at level {level}");
            for (var i = meta.Segments[parent]; i < meta.Segments[parent + 1]; i++)
            {
                if ((uint)i >= (uint)meta.Indices.Length) throw new InvalidDataException($"sparse tensor '{tensor.Name}' has a segment past its indices at level {level}");
                indices[level] = meta.Indices[i];
                Walk(level + 1, i);
            }
        }

        // A blocked dimension's outer index counts whole blocks.
        int BlockFactor(int dim)
        {
            var b = Array.IndexOf(sparsity.BlockMap, dim);
            return b < 0 ? 1 : blockSizes[b];
        }

        Walk(0, 0);
        if (next * elementSize != source.Length) throw new InvalidDataException($"sparse tensor '{tensor.Name}' stores {source.Length / elementSize} values but its indices address {next}");
        return dense;
    }
}
