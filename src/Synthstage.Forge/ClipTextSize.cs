namespace Synthstage.Forge;

/// <summary>Size of a CLIP text transformer (transformers' <c>CLIPTextConfig</c> names in the docs).</summary>
/// <param name="VocabSize">Token-embedding rows (<c>vocab_size</c>); the last two ids are BOS and EOS.</param>
/// <param name="MaxPositions">Sequence length and position-embedding rows (<c>max_position_embeddings</c>, 77).</param>
/// <param name="HiddenSize">Width of the residual stream (<c>hidden_size</c>); also the width of both outputs.</param>
/// <param name="Layers">Pre-LayerNorm encoder layers (<c>num_hidden_layers</c>).</param>
/// <param name="Heads">Self-attention heads (<c>num_attention_heads</c>); must divide <paramref name="HiddenSize"/>.</param>
/// <param name="IntermediateSize">Width of the quick-GELU MLP (<c>intermediate_size</c>).</param>
public sealed record ClipTextSize(int VocabSize, int MaxPositions, int HiddenSize, int Layers, int Heads, int IntermediateSize)
{
    /// <summary>CLIP ViT-L/14's text tower as used by SD 1.5: 49,408 tokens, 77 positions, 768 wide, 12 layers, 12 heads, MLP 3072.</summary>
    public static ClipTextSize Full { get; } = new(49408, 77, 768, 12, 12, 3072);

    /// <summary>
    /// diffusers' tiny test text encoder (32 wide, 5 layers, 4 heads, MLP 37) with the full 49,408-token vocabulary,
    /// so the real CLIP tokenizer files drive it (the embedding table is 49,408 × 32, about 6 MB in fp32).
    /// </summary>
    public static ClipTextSize Tiny { get; } = new(49408, 77, 32, 5, 4, 37);

    /// <summary>Width of one attention head.</summary>
    public int HeadDim => HiddenSize / Heads;
}
