using Onnx;
using Synthstage.Forge.Weights;
using Synthstage.Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Forge.Graphs;

/// <summary>
/// CLIP's text transformer (transformers' CLIPTextModel): token + position embeddings, pre-LayerNorm layers with
/// causal self-attention and a quick-GELU MLP, final LayerNorm; pooled output = hidden state at the first EOS.
/// </summary>
/// <remarks>
/// I/O: <c>input_ids</c> [batch, 77] int32|int64 → <c>last_hidden_state</c> [batch, 77, hidden] and
/// <c>pooler_output</c> [batch, hidden] in the model's float type. Parameter names follow transformers' state dict.
/// </remarks>
internal static class ClipTextEncoderGraph
{
    public static void Build(ForgeGraph g, ClipTextSize size, ForgeIdsType idsType)
    {
        if (size.HiddenSize % size.Heads != 0)
            throw new SynthstageException($"Text encoder: hidden size {size.HiddenSize} is not divisible by {size.Heads} heads.", ExitCodes.Usage);
        if (size.VocabSize < 3)
            throw new SynthstageException($"Text encoder: vocabulary size {size.VocabSize} is too small; it needs BOS and EOS ids.", ExitCodes.Usage);
        var w = (long)size.HiddenSize;
        var idType = idsType == ForgeIdsType.Int64 ? DataType.Int64 : DataType.Int32;
        var ids = g.Builder.Input("input_ids", idType, "batch", size.MaxPositions);

        // 1. Embeddings: token rows gathered by id, plus one learned row per position (CLIP initialises them at 0.02 and 0.01).
        var tokenTable = g.Param("text_model.embeddings.token_embedding.weight", WeightInit.Normal(0.02f), size.VocabSize, w);
        var positionTable = g.Param("text_model.embeddings.position_embedding.weight", WeightInit.Normal(0.01f), size.MaxPositions, w);
        var h = g.Add(g.Op("Gather", [tokenTable, ids], OnnxAttribute.Int("axis", 0)), positionTable);

        // 2. Causal mask: position i attends to positions ≤ i. The most negative finite value (as transformers uses) stays finite in fp16.
        var n = size.MaxPositions;
        var maskValues = new float[n * n];
        var minimum = g.FloatType == DataType.Float16 ? -65504f : float.MinValue;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++) maskValues[i * n + j] = minimum;
        var mask = g.Floats("causal_mask", maskValues, n, n);

        // 3. Encoder layers: h += attn(LN1(h)); h += mlp(LN2(h)). Output projections start smaller so the residual sum grows gently.
        for (var layer = 0; layer < size.Layers; layer++)
        {
            var p = $"text_model.encoder.layers.{layer}";
            var x = g.LayerNorm(h, p + ".layer_norm1", w, 1e-5f);
            var q = g.Linear(x, p + ".self_attn.q_proj", w, w);
            var k = g.Linear(x, p + ".self_attn.k_proj", w, w);
            var v = g.Linear(x, p + ".self_attn.v_proj", w, w);
            var attention = g.Attention(q, k, v, size.Heads, size.HeadDim, mask);
            h = g.Add(h, g.Linear(attention, p + ".self_attn.out_proj", w, w, gain: 0.5f));

            x = g.LayerNorm(h, p + ".layer_norm2", w, 1e-5f);
            x = g.QuickGelu(g.Linear(x, p + ".mlp.fc1", w, size.IntermediateSize));
            h = g.Add(h, g.Linear(x, p + ".mlp.fc2", size.IntermediateSize, w, gain: 0.5f));
        }
        var last = g.Rename(g.LayerNorm(h, "text_model.final_layer_norm", w, 1e-5f), "last_hidden_state");

        // 4. Pooled output: the hidden state at the first EOS (the highest id), as transformers' CLIPTextTransformer picks it.
        var eosId = size.VocabSize - 1;
        var eosConstant = idType == DataType.Int64
            ? g.Builder.Initializer(ForgeGraph.ConstantPrefix + "eos_id", [(long)eosId])
            : g.Builder.Initializer(ForgeGraph.ConstantPrefix + "eos_id", [eosId]);
        var isEos = g.Cast(g.Op("Equal", ids, eosConstant), DataType.Int32);
        // ArgMax returns the first maximum, i.e. the first EOS; [batch, 1] int64.
        var eosIndex = g.Op("ArgMax", [isEos], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("keepdims", 1), OnnxAttribute.Int("select_last_index", 0));
        g.Builder.NamedNode("GatherND", [last, eosIndex], "pooler_output", OnnxAttribute.Int("batch_dims", 1));

        g.Builder.Output("last_hidden_state", g.FloatType, "batch", size.MaxPositions, w);
        g.Builder.Output("pooler_output", g.FloatType, "batch", w);
    }
}
