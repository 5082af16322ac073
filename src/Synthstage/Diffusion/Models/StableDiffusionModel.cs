using System.Text.Json;
using Synthstage.Diffusion.Schedulers;
using Synthstage.Diffusion.Tokenization;
using Synthstage.Onnx;

namespace Synthstage.Diffusion.Models;

/// <summary>
/// A Stable Diffusion model in diffusers' ONNX folder layout, loaded once: tokenizer, text encoder, UNet and VAE
/// sessions, the scheduler config and the VAE scaling factor.
/// </summary>
/// <remarks>
/// <para>Layout: <c>model_index.json</c>, <c>scheduler/scheduler_config.json</c>, <c>tokenizer/vocab.json</c> +
/// <c>merges.txt</c>, <c>text_encoder/model.onnx</c>, <c>unet/model.onnx</c> (weights may be external data beside it),
/// <c>vae_decoder/model.onnx</c>, optional <c>vae_encoder/model.onnx</c> (needed for img2img; opened on first use).</para>
/// <para>Sessions live as long as this object: reuse it for every image and frame. Not thread-safe.</para>
/// </remarks>
public sealed class StableDiffusionModel : IDisposable
{
    /// <summary>The VAE scaling factor of SD 1.x, used when <c>vae_decoder/config.json</c> does not give one.</summary>
    public const float DefaultScalingFactor = 0.18215f;

    private readonly SessionOptionsSpec _spec;
    private VaeEncoder? _vaeEncoder;

    private StableDiffusionModel(string folder, SessionOptionsSpec spec, ClipTokenizer tokenizer, SchedulerConfig schedulerConfig, float scalingFactor)
    {
        Folder = folder;
        _spec = spec;
        Tokenizer = tokenizer;
        SchedulerConfig = schedulerConfig;
        ScalingFactor = scalingFactor;
        ModelId = System.IO.Path.GetFileName(folder.TrimEnd('/', '\\'));
    }

    /// <summary>Loads the folder and creates every session (the VAE encoder lazily).</summary>
    /// <param name="folder">A diffusers ONNX folder.</param>
    /// <param name="spec">Execution provider and threads; diffusion runs best with <c>IntraOpThreads = 0</c> (all cores).</param>
    /// <returns>The loaded model; the caller disposes it.</returns>
    /// <exception cref="SynthstageException">
    /// A required file is missing, unreadable or not what the layout expects; the message names the file.
    /// </exception>
    public static StableDiffusionModel Load(string folder, SessionOptionsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(spec);
        folder = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new SynthstageException($"model folder '{folder}' does not exist; expected a diffusers ONNX folder (model_index.json, unet/, text_encoder/, vae_decoder/ …)", ExitCodes.BadModel);
        foreach (var required in new[] { "model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
                     "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx" })
        {
            var path = System.IO.Path.Combine(folder, required);
            if (!File.Exists(path))
                throw new SynthstageException($"'{path}' is missing; '{folder}' is not a complete diffusers ONNX Stable Diffusion folder", ExitCodes.BadModel);
        }
        ReadJson(System.IO.Path.Combine(folder, "model_index.json")).Dispose();
        var schedulerPath = System.IO.Path.Combine(folder, "scheduler", "scheduler_config.json");
        SchedulerConfig schedulerConfig;
        try
        {
            schedulerConfig = SchedulerConfig.FromJson(File.ReadAllText(schedulerPath));
        }
        catch (Exception e) when (e is JsonException or SynthstageException)
        {
            throw new SynthstageException($"'{schedulerPath}' is not a valid scheduler config: {e.Message}", ExitCodes.BadModel, e);
        }
        var scalingFactor = ReadScalingFactor(folder);
        var tokenizer = ClipTokenizer.FromModelFolder(folder);
        var model = new StableDiffusionModel(folder, spec, tokenizer, schedulerConfig, scalingFactor);
        try
        {
            model.TextEncoder = ClipTextEncoder.Create(System.IO.Path.Combine(folder, "text_encoder", "model.onnx"), spec);
            model.UNet = UNet2DConditionModel.Create(System.IO.Path.Combine(folder, "unet", "model.onnx"), spec);
            model.VaeDecoder = VaeDecoder.Create(System.IO.Path.Combine(folder, "vae_decoder", "model.onnx"), spec);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>The model folder (full path).</summary>
    public string Folder { get; }

    /// <summary>A short identifier for the model: the folder's name (written into PNG metadata).</summary>
    public string ModelId { get; }

    /// <summary>The CLIP tokenizer read from <c>tokenizer/</c>.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>The text encoder.</summary>
    public ClipTextEncoder TextEncoder { get; private set; } = null!;

    /// <summary>The UNet.</summary>
    public UNet2DConditionModel UNet { get; private set; } = null!;

    /// <summary>The VAE decoder.</summary>
    public VaeDecoder VaeDecoder { get; private set; } = null!;

    /// <summary>The model's own scheduler configuration (<c>scheduler/scheduler_config.json</c>).</summary>
    public SchedulerConfig SchedulerConfig { get; }

    /// <summary>The VAE's <c>scaling_factor</c> (0.18215 for SD 1.x): latents are multiplied by it after encoding and divided before decoding.</summary>
    public float ScalingFactor { get; }

    /// <summary>True when the folder has <c>vae_encoder/model.onnx</c> (img2img possible).</summary>
    public bool HasVaeEncoder => File.Exists(VaeEncoderPath);

    private string VaeEncoderPath => System.IO.Path.Combine(Folder, "vae_encoder", "model.onnx");

    /// <summary>The VAE encoder, opened on first use.</summary>
    /// <exception cref="SynthstageException">The folder has no usable <c>vae_encoder/model.onnx</c>.</exception>
    public VaeEncoder GetVaeEncoder()
    {
        if (_vaeEncoder is not null) return _vaeEncoder;
        if (!HasVaeEncoder)
            throw new SynthstageException($"'{VaeEncoderPath}' is missing; image-to-image needs the model's VAE encoder", ExitCodes.BadModel);
        return _vaeEncoder = VaeEncoder.Create(VaeEncoderPath, _spec);
    }

    /// <summary>Total time spent inside ONNX Runtime's <c>Run</c> calls of the text encoder and VAE halves.</summary>
    internal TimeSpan NonUNetRunTime => (TextEncoder?.RunTime ?? TimeSpan.Zero) + (VaeDecoder?.RunTime ?? TimeSpan.Zero) + (_vaeEncoder?.RunTime ?? TimeSpan.Zero);

    private static JsonDocument ReadJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new SynthstageException($"'{path}' is not valid JSON: {e.Message}", ExitCodes.BadModel, e);
        }
    }

    private static float ReadScalingFactor(string folder)
    {
        foreach (var candidate in new[] { "vae_decoder/config.json", "vae_encoder/config.json", "vae/config.json" })
        {
            var path = System.IO.Path.Combine(folder, candidate);
            if (!File.Exists(path)) continue;
            using var doc = ReadJson(path);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("scaling_factor", out var value))
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out var factor) || !(factor > 0))
                    throw new SynthstageException($"'{path}': scaling_factor must be a positive number", ExitCodes.BadModel);
                return factor;
            }
        }
        return DefaultScalingFactor;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        TextEncoder?.Dispose();
        UNet?.Dispose();
        VaeDecoder?.Dispose();
        _vaeEncoder?.Dispose();
    }
}
