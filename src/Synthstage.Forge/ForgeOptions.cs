namespace Synthstage.Forge;

/// <summary>What <see cref="StableDiffusionForge.WriteAsync"/> writes and where.</summary>
public sealed record ForgeOptions
{
    /// <summary>Architecture to forge; only <c>sd15</c> (Stable Diffusion 1.5) is known.</summary>
    public string Architecture { get; init; } = "sd15";

    /// <summary>Size preset; ignored when <see cref="Size"/> is set.</summary>
    public ForgeScale Scale { get; init; } = ForgeScale.Tiny;

    /// <summary>Explicit network sizes that replace the <see cref="Scale"/> preset.</summary>
    public StableDiffusionSize? Size { get; init; }

    /// <summary>Store weights and compute in float16; graph float inputs and outputs become float16 too.</summary>
    public bool Fp16 { get; init; }

    /// <summary>The diffusers ONNX folder to create. It must not exist or be empty, unless <see cref="Force"/>.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace an existing non-empty <see cref="OutputDirectory"/> (only once the new folder is complete).</summary>
    public bool Force { get; init; }

    /// <summary>Seed of the weights: the same seed and sizes give byte-identical weights on every machine.</summary>
    public ulong Seed { get; init; }

    /// <summary>Element type of the text encoder's <c>input_ids</c>.</summary>
    public ForgeIdsType TextEncoderIdsType { get; init; } = ForgeIdsType.Int32;

    /// <summary>Element type of the UNet's <c>timestep</c>.</summary>
    public ForgeTimestepType TimestepType { get; init; } = ForgeTimestepType.Int64;

    /// <summary>Which sampling setup to forge (SD 1.5, LCM with <c>timestep_cond</c>, or SD-Turbo's trailing Euler).</summary>
    public ForgeVariant Variant { get; init; } = ForgeVariant.Sd15;

    /// <summary>Width of the LCM guidance-scale embedding (<c>time_cond_proj_dim</c>; LCM Dreamshaper v7 uses 256); only for <see cref="ForgeVariant.Lcm"/>.</summary>
    public int TimeCondProjDim { get; init; } = 256;

    /// <summary>Path of CLIP's <c>bpe_simple_vocab_16e6.txt.gz</c>, from which tokenizer/vocab.json and merges.txt are derived.</summary>
    public required string VocabularySource { get; init; }
}
