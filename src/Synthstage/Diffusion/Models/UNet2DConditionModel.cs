using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Synthstage.Onnx;

namespace Synthstage.Diffusion.Models;

/// <summary>
/// The denoising UNet of a diffusers ONNX folder (<c>unet/model.onnx</c>): <c>sample</c> [batch, 4, h, w],
/// <c>timestep</c>, <c>encoder_hidden_states</c> [batch, 77, W] → <c>out_sample</c> [batch, 4, h, w]; a latent
/// consistency model's UNet has a fourth input, <c>timestep_cond</c> [batch, time_cond_proj_dim], the guidance-scale embedding.
/// </summary>
/// <remarks>
/// <para>Everything the export decides is read from the session's metadata, never assumed: float32 or float16
/// tensors, an int64 or float timestep, a scalar, one-element or per-batch timestep, and a static or dynamic batch
/// dimension. A static batch of 1 is run as one call per batch entry (guidance then takes two calls).</para>
/// <para>The session is created once; <see cref="Bind"/> preallocates the tensors of one latent size so every step
/// reuses them.</para>
/// </remarks>
public sealed class UNet2DConditionModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly NodeMetadata _timestep;

    private UNet2DConditionModel(InferenceSession session, string path)
    {
        _session = session;
        Path = path;
        const string what = "an SD UNet with inputs 'sample' [batch, 4, h, w], 'timestep', 'encoder_hidden_states' [batch, 77, W] (and for LCM 'timestep_cond' [batch, D])";
        var inputs = session.InputMetadata.Count;
        if (inputs is not (3 or 4) || (inputs == 4 && !session.InputMetadata.ContainsKey(TimestepCondInput)))
            throw new SynthstageException($"'{path}' has {inputs} inputs ({string.Join(", ", session.InputNames)}); expected {what}", ExitCodes.BadModel);
        if (inputs == 4)
        {
            var condition = session.InputMetadata[TimestepCondInput];
            TimestepCondType = ModelInputs.FloatType(condition, path, TimestepCondInput);
            ModelInputs.Rank(condition, path, TimestepCondInput, 2, "the guidance embedding [batch, time_cond_proj_dim]");
            TimeCondProjDim = condition.Dimensions[1] > 0 ? condition.Dimensions[1] : ConfiguredTimeCondProjDim(path)
                ?? throw new SynthstageException($"'{path}': '{TimestepCondInput}' has a dynamic width and unet/config.json gives no time_cond_proj_dim", ExitCodes.BadModel);
        }
        var (sampleName, sample) = ModelInputs.Input(session, path, "sample", what);
        var (timestepName, timestep) = ModelInputs.Input(session, path, "timestep", what);
        var (statesName, states) = ModelInputs.Input(session, path, "encoder_hidden_states", what);
        var (outputName, output) = ModelInputs.Output(session, path, "out_sample", "'out_sample' [batch, 4, h, w]");
        SampleType = ModelInputs.FloatType(sample, path, sampleName);
        HiddenStatesType = ModelInputs.FloatType(states, path, statesName);
        OutputType = ModelInputs.FloatType(output, path, outputName);
        ModelInputs.Rank(sample, path, sampleName, 4, "latents [batch, 4, h, w]");
        ModelInputs.Rank(states, path, statesName, 3, "text embeddings [batch, 77, W]");
        if (!timestep.IsTensor || timestep.Dimensions.Length > 1
            || timestep.ElementDataType is not (TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Float or TensorElementType.Float16))
            throw new SynthstageException($"'{path}': '{timestepName}' is {ModelInputs.Describe(timestep)}; expected an int64 or float timestep, scalar or [batch]", ExitCodes.BadModel);
        TimestepType = timestep.ElementDataType;
        _timestep = timestep;
        StaticBatch = ModelInputs.StaticBatch(sample);
        LatentChannels = sample.Dimensions[1] > 0 ? sample.Dimensions[1] : 4;
        SampleName = sampleName;
        TimestepName = timestepName;
        HiddenStatesName = statesName;
        OutputName = outputName;
    }

    /// <summary>The input name diffusers' ONNX exports give the LCM guidance embedding.</summary>
    public const string TimestepCondInput = "timestep_cond";

    /// <summary>Opens <paramref name="path"/> (with its external data) and checks its inputs and outputs.</summary>
    /// <exception cref="SynthstageException">The file is missing, corrupt, or not an SD UNet.</exception>
    public static UNet2DConditionModel Create(string path, SessionOptionsSpec spec)
    {
        var session = OnnxSessionFactory.Create(path, spec);
        try
        {
            return new UNet2DConditionModel(session, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>Element type of <c>sample</c> (float32 or float16).</summary>
    public TensorElementType SampleType { get; }

    /// <summary>Element type of <c>encoder_hidden_states</c>.</summary>
    public TensorElementType HiddenStatesType { get; }

    /// <summary>Element type of the output.</summary>
    public TensorElementType OutputType { get; }

    /// <summary>Element type of <c>timestep</c> (int64 in most exports, float in some).</summary>
    public TensorElementType TimestepType { get; }

    /// <summary>True when the timestep is a scalar (rank 0) rather than a [batch] vector.</summary>
    public bool ScalarTimestep => _timestep.Dimensions.Length == 0;

    /// <summary>The fixed batch size of the export, or null for a dynamic batch.</summary>
    public int? StaticBatch { get; }

    /// <summary>
    /// Width of <c>timestep_cond</c> (diffusers' <c>time_cond_proj_dim</c>), or null for a UNet without it. When set, the
    /// pipeline folds guidance into that embedding and runs no unconditional batch, as diffusers' LCM pipeline does.
    /// </summary>
    public int? TimeCondProjDim { get; }

    /// <summary>Element type of <c>timestep_cond</c>, when the UNet has it.</summary>
    public TensorElementType? TimestepCondType { get; }

    /// <summary>Latent channels (4 for SD).</summary>
    public int LatentChannels { get; }

    internal string SampleName { get; }

    internal string TimestepName { get; }

    internal string HiddenStatesName { get; }

    internal string OutputName { get; }

    internal InferenceSession Session => _session;

    /// <summary>
    /// Preallocates the tensors for <paramref name="batch"/> latents of <paramref name="latentHeight"/>×<paramref name="latentWidth"/>.
    /// </summary>
    /// <param name="batch">Latents per step: 2 with classifier-free guidance ([uncond, text]), else 1.</param>
    /// <param name="latentHeight">Latent height (pixels / 8).</param>
    /// <param name="latentWidth">Latent width (pixels / 8).</param>
    /// <param name="sequenceLength">Text tokens (77).</param>
    /// <param name="hiddenSize">Text embedding width.</param>
    /// <param name="separateCalls">Run each batch entry as its own call even when the export takes a dynamic batch.</param>
    /// <returns>A binding the caller owns and disposes; reuse it for every step and image of that size.</returns>
    /// <exception cref="SynthstageException">The export has a static batch that cannot serve <paramref name="batch"/>.</exception>
    public UNetBinding Bind(int batch, int latentHeight, int latentWidth, int sequenceLength, int hiddenSize, bool separateCalls = false)
    {
        var perCall = separateCalls || StaticBatch == 1 ? 1 : batch;
        if (StaticBatch is { } fixedBatch && fixedBatch != perCall)
            throw new SynthstageException($"'{Path}' is exported with a static batch of {fixedBatch}; it cannot run {perCall} latents per call", ExitCodes.BadModel);
        long[] timestepShape = _timestep.Dimensions.Length == 0 ? [] : [_timestep.Dimensions[0] > 0 ? _timestep.Dimensions[0] : perCall];
        return new UNetBinding(this, batch, perCall, latentHeight, latentWidth, sequenceLength, hiddenSize, timestepShape);
    }

    // time_cond_proj_dim from unet/config.json beside the model, for an export whose embedding width is symbolic.
    private static int? ConfiguredTimeCondProjDim(string modelPath)
    {
        var config = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(modelPath) ?? ".", "config.json");
        if (!File.Exists(config)) return null;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(config));
            return doc.RootElement.TryGetProperty("time_cond_proj_dim", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.Number
                ? value.GetInt32() : null;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new SynthstageException($"'{config}' is not valid JSON: {e.Message}", ExitCodes.BadModel);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
