using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synthstage.Forge.Files;

/// <summary>
/// The JSON files of a diffusers ONNX Stable Diffusion folder: model_index.json, the scheduler config, the
/// tokenizer configs, and a config.json per model with diffusers/transformers keys (as optimum's exports have),
/// so the engine can read sizes such as the VAE scale factor instead of assuming them.
/// </summary>
internal static class DiffusersConfigFiles
{
    private const string DiffusersVersion = "0.30.0";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteModelIndex(string folder) => Write(Path.Combine(folder, "model_index.json"), new JsonObject
    {
        ["_class_name"] = "OnnxStableDiffusionPipeline",
        ["_diffusers_version"] = DiffusersVersion,
        ["feature_extractor"] = new JsonArray(null, null),
        ["requires_safety_checker"] = false,
        ["safety_checker"] = new JsonArray(null, null),
        ["scheduler"] = new JsonArray("diffusers", "PNDMScheduler"),
        ["text_encoder"] = new JsonArray("diffusers", "OnnxRuntimeModel"),
        ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
        ["unet"] = new JsonArray("diffusers", "OnnxRuntimeModel"),
        ["vae_decoder"] = new JsonArray("diffusers", "OnnxRuntimeModel"),
        ["vae_encoder"] = new JsonArray("diffusers", "OnnxRuntimeModel"),
    });

    /// <summary>The variant's scheduler configuration with every key diffusers' <c>__init__</c> registers.</summary>
    public static void WriteSchedulerConfig(string folder, ForgeVariant variant) => Write(Path.Combine(folder, "scheduler_config.json"), variant switch
    {
        ForgeVariant.Lcm => LcmSchedulerConfig(),
        ForgeVariant.Turbo => TurboSchedulerConfig(),
        _ => Sd15SchedulerConfig(),
    });

    // LCM Dreamshaper v7's LCMScheduler keys.
    private static JsonObject LcmSchedulerConfig() => new()
    {
        ["_class_name"] = "LCMScheduler",
        ["_diffusers_version"] = DiffusersVersion,
        ["beta_end"] = 0.012,
        ["beta_schedule"] = "scaled_linear",
        ["beta_start"] = 0.00085,
        ["clip_sample"] = false,
        ["clip_sample_range"] = 1.0,
        ["num_train_timesteps"] = 1000,
        ["original_inference_steps"] = 50,
        ["prediction_type"] = "epsilon",
        ["set_alpha_to_one"] = true,
        ["steps_offset"] = 1,
        ["thresholding"] = false,
        ["timestep_scaling"] = 10.0,
        ["timestep_spacing"] = "leading",
        ["trained_betas"] = null,
    };

    // SD-Turbo's EulerDiscreteScheduler keys: trailing spacing, so one step starts at t = 999.
    private static JsonObject TurboSchedulerConfig() => new()
    {
        ["_class_name"] = "EulerDiscreteScheduler",
        ["_diffusers_version"] = DiffusersVersion,
        ["beta_end"] = 0.012,
        ["beta_schedule"] = "scaled_linear",
        ["beta_start"] = 0.00085,
        ["clip_sample"] = false,
        ["interpolation_type"] = "linear",
        ["num_train_timesteps"] = 1000,
        ["prediction_type"] = "epsilon",
        ["set_alpha_to_one"] = false,
        ["skip_prk_steps"] = true,
        ["steps_offset"] = 1,
        ["timestep_spacing"] = "trailing",
        ["trained_betas"] = null,
        ["use_karras_sigmas"] = false,
    };

    // SD 1.5's PNDMScheduler keys.
    private static JsonObject Sd15SchedulerConfig() => new()
    {
        ["_class_name"] = "PNDMScheduler",
        ["_diffusers_version"] = DiffusersVersion,
        ["beta_end"] = 0.012,
        ["beta_schedule"] = "scaled_linear",
        ["beta_start"] = 0.00085,
        ["clip_sample"] = false,
        ["num_train_timesteps"] = 1000,
        ["prediction_type"] = "epsilon",
        ["set_alpha_to_one"] = false,
        ["skip_prk_steps"] = true,
        ["steps_offset"] = 1,
        ["timestep_spacing"] = "leading",
        ["trained_betas"] = null,
    };

    /// <summary>tokenizer_config.json and special_tokens_map.json as SD 1.5's tokenizer folder has them.</summary>
    public static void WriteTokenizerConfigs(string folder, int maxLength)
    {
        static JsonObject Token(string content) => new()
        {
            ["__type"] = "AddedToken",
            ["content"] = content,
            ["lstrip"] = false,
            ["normalized"] = true,
            ["rstrip"] = false,
            ["single_word"] = false,
        };
        Write(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
        {
            ["add_prefix_space"] = false,
            ["bos_token"] = Token(ClipTokenizerFiles.StartOfText),
            ["do_lower_case"] = true,
            ["eos_token"] = Token(ClipTokenizerFiles.EndOfText),
            ["errors"] = "replace",
            ["model_max_length"] = maxLength,
            ["name_or_path"] = "openai/clip-vit-large-patch14",
            ["pad_token"] = ClipTokenizerFiles.EndOfText,
            ["special_tokens_map_file"] = "./special_tokens_map.json",
            ["tokenizer_class"] = "CLIPTokenizer",
            ["unk_token"] = Token(ClipTokenizerFiles.EndOfText),
        });
        static JsonObject Plain(string content)
        {
            var t = Token(content);
            t.Remove("__type");
            return t;
        }
        Write(Path.Combine(folder, "special_tokens_map.json"), new JsonObject
        {
            ["bos_token"] = Plain(ClipTokenizerFiles.StartOfText),
            ["eos_token"] = Plain(ClipTokenizerFiles.EndOfText),
            ["pad_token"] = ClipTokenizerFiles.EndOfText,
            ["unk_token"] = Plain(ClipTokenizerFiles.EndOfText),
        });
    }

    /// <summary>transformers' CLIPTextConfig keys; BOS/EOS/pad are the real ids, so pooling picks the first EOS.</summary>
    public static void WriteTextEncoderConfig(string folder, ClipTextSize size, bool fp16) => Write(Path.Combine(folder, "config.json"), new JsonObject
    {
        ["architectures"] = new JsonArray("CLIPTextModel"),
        ["attention_dropout"] = 0.0,
        ["bos_token_id"] = size.VocabSize - 2,
        ["eos_token_id"] = size.VocabSize - 1,
        ["hidden_act"] = "quick_gelu",
        ["hidden_size"] = size.HiddenSize,
        ["intermediate_size"] = size.IntermediateSize,
        ["layer_norm_eps"] = 1e-5,
        ["max_position_embeddings"] = size.MaxPositions,
        ["model_type"] = "clip_text_model",
        ["num_attention_heads"] = size.Heads,
        ["num_hidden_layers"] = size.Layers,
        ["pad_token_id"] = size.VocabSize - 1,
        ["projection_dim"] = size.HiddenSize,
        ["torch_dtype"] = fp16 ? "float16" : "float32",
        ["vocab_size"] = size.VocabSize,
    });

    /// <summary>diffusers' UNet2DConditionModel config keys.</summary>
    public static void WriteUNetConfig(string folder, UNetSize size, int? timeCondProjDim)
    {
        var levels = size.BlockOutChannels.Count;
        var down = new JsonArray();
        var up = new JsonArray();
        for (var i = 0; i < levels; i++)
        {
            down.Add(size.HasCrossAttention(i) ? "CrossAttnDownBlock2D" : "DownBlock2D");
            up.Add(size.HasCrossAttention(levels - 1 - i) ? "CrossAttnUpBlock2D" : "UpBlock2D");
        }
        Write(Path.Combine(folder, "config.json"), new JsonObject
        {
            ["_class_name"] = "UNet2DConditionModel",
            ["_diffusers_version"] = DiffusersVersion,
            ["act_fn"] = "silu",
            // diffusers' attention_head_dim is really the head count (an int, or one per level).
            ["attention_head_dim"] = size.AttentionHeadDim is null ? JsonValue.Create(size.AttentionHeads) : Ints(size.BlockOutChannels.Select(size.HeadsFor)),
            ["block_out_channels"] = Ints(size.BlockOutChannels),
            ["center_input_sample"] = false,
            ["cross_attention_dim"] = size.CrossAttentionDim,
            ["down_block_types"] = down,
            ["downsample_padding"] = 1,
            ["flip_sin_to_cos"] = true,
            ["freq_shift"] = 0,
            ["in_channels"] = size.InChannels,
            ["layers_per_block"] = size.LayersPerBlock,
            ["mid_block_scale_factor"] = 1,
            ["norm_eps"] = 1e-5,
            ["norm_num_groups"] = size.NormGroups,
            ["out_channels"] = size.OutChannels,
            ["sample_size"] = size.SampleSize,
            ["time_cond_proj_dim"] = timeCondProjDim,
            ["transformer_layers_per_block"] = size.TransformerLayers,
            ["up_block_types"] = up,
            ["use_linear_projection"] = false,
        });
    }

    /// <summary>diffusers' AutoencoderKL config keys (written beside both VAE halves).</summary>
    public static void WriteVaeConfig(string folder, VaeSize size)
    {
        var levels = size.BlockOutChannels.Count;
        Write(Path.Combine(folder, "config.json"), new JsonObject
        {
            ["_class_name"] = "AutoencoderKL",
            ["_diffusers_version"] = DiffusersVersion,
            ["act_fn"] = "silu",
            ["block_out_channels"] = Ints(size.BlockOutChannels),
            ["down_block_types"] = Names("DownEncoderBlock2D", levels),
            ["in_channels"] = size.ImageChannels,
            ["latent_channels"] = size.LatentChannels,
            ["layers_per_block"] = size.LayersPerBlock,
            ["norm_num_groups"] = size.NormGroups,
            ["out_channels"] = size.ImageChannels,
            ["sample_size"] = size.SampleSize,
            ["scaling_factor"] = double.Parse(size.ScalingFactor.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            ["up_block_types"] = Names("UpDecoderBlock2D", levels),
        });
    }

    private static JsonArray Names(string name, int count) => new([.. Enumerable.Range(0, count).Select(_ => (JsonNode?)JsonValue.Create(name))]);

    private static JsonArray Ints(IEnumerable<int> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static void Write(string path, JsonObject json) => File.WriteAllText(path, json.ToJsonString(Indented) + "\n");
}
