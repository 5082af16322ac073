using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Synthstage.Diffusion.Models;

/// <summary>
/// The UNet's tensors for one latent size, preallocated over pinned arrays and bound once with
/// <see cref="OrtIoBinding"/>, so a denoising step allocates nothing beyond what ONNX Runtime needs.
/// </summary>
/// <remarks>
/// Write the model input into <see cref="Sample"/>, set the text embeddings once per image with
/// <see cref="SetEncoderHiddenStates"/>, call <see cref="Run"/> and read <see cref="NoisePred"/>. For a float32
/// model run in one call, <see cref="Sample"/> and <see cref="NoisePred"/> are ONNX Runtime's own buffers (no copies).
/// </remarks>
public sealed class UNetBinding : IDisposable
{
    private readonly UNet2DConditionModel _model;
    private readonly Call[] _calls;
    private readonly float[]? _sampleStaging;
    private readonly float[]? _outputStaging;
    private readonly int _latentLength;
    private long _runTicks;

    internal UNetBinding(UNet2DConditionModel model, int batch, int perCall, int latentHeight, int latentWidth,
        int sequenceLength, int hiddenSize, long[] timestepShape)
    {
        _model = model;
        Batch = batch;
        _latentLength = model.LatentChannels * latentHeight * latentWidth;
        _calls = new Call[batch / perCall];
        try
        {
            for (var i = 0; i < _calls.Length; i++)
            {
                var call = new Call
                {
                    Sample = OrtTensor.Create(model.SampleType, perCall, model.LatentChannels, latentHeight, latentWidth),
                    Timestep = OrtTensor.Create(model.TimestepType, timestepShape),
                    States = OrtTensor.Create(model.HiddenStatesType, perCall, sequenceLength, hiddenSize),
                    Output = OrtTensor.Create(model.OutputType, perCall, model.LatentChannels, latentHeight, latentWidth),
                    Condition = model.TimeCondProjDim is { } condDim ? OrtTensor.Create(model.TimestepCondType!.Value, perCall, condDim) : null,
                    Binding = model.Session.CreateIoBinding(),
                };
                _calls[i] = call;
                call.Binding.BindInput(model.SampleName, call.Sample.Value);
                call.Binding.BindInput(model.TimestepName, call.Timestep.Value);
                call.Binding.BindInput(model.HiddenStatesName, call.States.Value);
                if (call.Condition is not null) call.Binding.BindInput(UNet2DConditionModel.TimestepCondInput, call.Condition.Value);
                call.Binding.BindOutput(model.OutputName, call.Output.Value);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        // One float32 call reads and writes ORT's own buffers; fp16 or split calls go through float32 staging.
        var single = _calls.Length == 1;
        _sampleStaging = single && _calls[0].Sample.FloatSpan.Length > 0 ? null : new float[batch * _latentLength];
        _outputStaging = single && _calls[0].Output.FloatSpan.Length > 0 ? null : new float[batch * _latentLength];
    }

    /// <summary>Latents per step.</summary>
    public int Batch { get; }

    /// <summary>ONNX Runtime calls per step (1 for a batched call, <see cref="Batch"/> for separate calls).</summary>
    public int CallsPerStep => _calls.Length;

    /// <summary>Model input [batch, 4, h, w], float32: write it before <see cref="Run"/>.</summary>
    public Span<float> Sample => _sampleStaging ?? _calls[0].Sample.FloatSpan;

    /// <summary>Model output [batch, 4, h, w], float32, valid after <see cref="Run"/> until the next one.</summary>
    public ReadOnlySpan<float> NoisePred => _outputStaging ?? _calls[0].Output.FloatSpan;

    /// <summary>Time spent inside ONNX Runtime's run calls of this binding.</summary>
    public TimeSpan RunTime => Stopwatch.GetElapsedTime(0, _runTicks);

    /// <summary>Sets the text embeddings [batch, 77, W] (float32) used by every following <see cref="Run"/>.</summary>
    public void SetEncoderHiddenStates(ReadOnlySpan<float> states)
    {
        var perCall = states.Length / _calls.Length;
        if (perCall != _calls[0].States.Length || states.Length % _calls.Length != 0)
            throw new ArgumentException($"expected {_calls[0].States.Length * _calls.Length} embedding values, got {states.Length}", nameof(states));
        for (var i = 0; i < _calls.Length; i++) _calls[i].States.WriteFloats(states.Slice(i * perCall, perCall));
    }

    /// <summary>
    /// Sets the guidance embedding every row's <c>timestep_cond</c> gets (one embedding, as the pipeline uses one
    /// guidance scale per batch) for every following <see cref="Run"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The UNet has no <c>timestep_cond</c> input.</exception>
    public void SetTimestepCond(ReadOnlySpan<float> embedding)
    {
        if (_model.TimeCondProjDim is not { } width)
            throw new InvalidOperationException($"'{_model.Path}' has no {UNet2DConditionModel.TimestepCondInput} input");
        if (embedding.Length != width)
            throw new ArgumentException($"expected {width} embedding values, got {embedding.Length}", nameof(embedding));
        foreach (var call in _calls)
            for (var offset = 0; offset < call.Condition!.Length; offset += width) call.Condition.WriteFloats(embedding, offset);
    }

    /// <summary>Predicts the noise at <paramref name="timestep"/> for the whole batch in <see cref="Sample"/>.</summary>
    /// <param name="timestep">The scheduler's timestep (converted to the model's timestep type; int64 truncates, as diffusers' export does).</param>
    /// <param name="runOptions">Run options; set <c>Terminate</c> from another thread to cancel.</param>
    public void Run(float timestep, RunOptions runOptions)
    {
        var perCall = _latentLength * (Batch / _calls.Length);
        for (var i = 0; i < _calls.Length; i++)
        {
            var call = _calls[i];
            if (_sampleStaging is not null) call.Sample.WriteFloats(_sampleStaging.AsSpan(i * perCall, perCall));
            call.Timestep.Fill(timestep);
            var start = Stopwatch.GetTimestamp();
            _model.Session.RunWithBinding(runOptions, call.Binding);
            _runTicks += Stopwatch.GetTimestamp() - start;
            if (_outputStaging is not null) call.Output.ReadFloats(_outputStaging.AsSpan(i * perCall, perCall));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var call in _calls)
        {
            if (call is null) continue;
            call.Binding?.Dispose();
            call.Sample?.Dispose();
            call.Timestep?.Dispose();
            call.States?.Dispose();
            call.Output?.Dispose();
            call.Condition?.Dispose();
        }
    }

    private sealed class Call
    {
        public required OrtTensor Sample { get; init; }
        public required OrtTensor Timestep { get; init; }
        public required OrtTensor States { get; init; }
        public required OrtTensor Output { get; init; }
        public required OrtTensor? Condition { get; init; }
        public required OrtIoBinding Binding { get; init; }
    }
}
