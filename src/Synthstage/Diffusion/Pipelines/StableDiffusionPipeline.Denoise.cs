using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Diffusion.Pipelines;

// The one denoising loop (diffusers' __call__ step 7) and the buffers it reuses across steps, images and calls.
public sealed partial class StableDiffusionPipeline
{
    private readonly Dictionary<(int Batch, int Height, int Width, bool Separate), UNetBinding> _bindings = [];
    private readonly List<IDiffusionScheduler> _schedulers = [];
    private string? _schedulerName;
    private float[] _guided = [];
    private float[] _states = [];
    private float[] _decodeScaled = [];
    private float[] _decodeOutput = [];
    private float[] _guidanceEmbedding = [];

    /// <summary>
    /// Whether a guidance scale runs classifier-free guidance's unconditional batch: above 1, unless the UNet takes
    /// the guidance as its <c>timestep_cond</c> embedding (LCM), which diffusers' LCM pipeline runs without one.
    /// </summary>
    public bool UsesUnconditionalBatch(float guidanceScale) => guidanceScale > 1f && _model.UNet.TimeCondProjDim is null;

    // Time inside ONNX Runtime's Run for the UNet, over every latent size bound so far.
    private TimeSpan UNetRunTime
    {
        get
        {
            var total = TimeSpan.Zero;
            foreach (var binding in _bindings.Values) total += binding.RunTime;
            return total;
        }
    }

    /// <summary>
    /// Denoises <see cref="DenoiseBatch.Latents"/> in place over <see cref="DenoiseBatch.Steps"/> timesteps from
    /// <see cref="DenoiseBatch.Start"/>: per step the schedulers' scaled inputs go through one UNet call ([uncond…, text…]
    /// with guidance), guidance <c>uncond + g·(text − uncond)</c> combines the halves and each image's scheduler steps.
    /// A UNet with <c>timestep_cond</c> (LCM) gets the guidance-scale embedding there instead and one row per image.
    /// </summary>
    private void Denoise(LatentDenoiseOptions options, DenoiseBatch batch, RunOptions runOptions, CancellationToken ct)
    {
        var doGuidance = UsesUnconditionalBatch(options.GuidanceScale);
        var count = batch.Schedulers.Count;
        var latentLength = batch.Latents.Length / count;
        var embeddingLength = batch.Text.Length / count;
        var rows = doGuidance ? 2 * count : count;
        var binding = GetBinding(rows, options.Height / 8, options.Width / 8, embeddingLength / _model.TextEncoder.SequenceLength, options.SeparateGuidanceCalls);

        // Text embeddings of the whole batch, uncond first (diffusers' order for several images per prompt).
        var states = Grow(ref _states, rows * embeddingLength);
        if (doGuidance)
        {
            batch.Negative.CopyTo(states);
            batch.Text.CopyTo(states[batch.Text.Length..]);
        }
        else
        {
            batch.Text.CopyTo(states);
        }
        binding.SetEncoderHiddenStates(states);
        if (_model.UNet.TimeCondProjDim is { } condWidth)
        {
            // diffusers' LCM pipeline: w = guidance_scale − 1 embedded once for the whole run.
            var embedding = Grow(ref _guidanceEmbedding, condWidth);
            GuidanceScaleEmbedding.Compute(options.GuidanceScale, embedding);
            binding.SetTimestepCond(embedding);
        }

        var noisePred = Grow(ref _guided, latentLength);
        var timesteps = batch.Schedulers[0].Timesteps;
        // Progress counts the steps asked for, as diffusers' progress bar does: a scheduler's extra evaluations
        // (PNDM's repeated warm-up timestep, a second-order solver's inner calls) do not add to the count.
        var order = batch.Schedulers[0].Order;
        var warmupCalls = batch.Steps - batch.Report.Shown * order;
        var shown = 0;
        for (var step = 0; step < batch.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var t = timesteps[batch.Start + step];
            var sample = binding.Sample;
            for (var i = 0; i < count; i++)
            {
                var input = sample.Slice(i * latentLength, latentLength);
                batch.Schedulers[i].ScaleModelInput(batch.Latents.Slice(i * latentLength, latentLength), t, input);
                if (doGuidance) input.CopyTo(sample.Slice((count + i) * latentLength, latentLength));
            }
            binding.Run(t, runOptions);
            var eps = binding.NoisePred;
            for (var i = 0; i < count; i++)
            {
                var latents = batch.Latents.Slice(i * latentLength, latentLength);
                if (doGuidance)
                {
                    // noise_pred = uncond + guidance_scale · (text − uncond)
                    var uncond = eps.Slice(i * latentLength, latentLength);
                    TensorPrimitives.Subtract(eps.Slice((count + i) * latentLength, latentLength), uncond, noisePred);
                    TensorPrimitives.MultiplyAdd(noisePred, options.GuidanceScale, uncond, noisePred);
                    batch.Schedulers[i].Step(noisePred, t, latents, latents, batch.StepNoise[i]);
                }
                else
                {
                    batch.Schedulers[i].Step(eps.Slice(i * latentLength, latentLength), t, latents, latents, batch.StepNoise[i]);
                }
                var state = new DenoisingStep(batch.FirstImage + i, step + 1, batch.Steps, t, latents, options.Height / 8, options.Width / 8);
                options.OnStepEnd?.Invoke(state);
                options.Preview?.Report(new DiffusionPreview(state.Image, state.Step, state.Steps, LatentPreview.StableDiffusion1.Render(state, options.PreviewScale)));
            }
            var call = step + 1;
            if (call == batch.Steps || (call > warmupCalls && call % order == 0))
                batch.Report.Progress?.Report(new PipelineProgress("denoise", batch.Report.Done + ++shown, batch.Report.Total));
        }
    }

    /// <summary>Decodes UNet latents into a caller buffer: ÷ scaling_factor, VAE decoder, (x / 2 + 0.5) clamped to 0..1, × 255 rounded.</summary>
    /// <param name="latents">Latents [1, 4, h, w], float32, scaled as the UNet sees them; not modified.</param>
    /// <param name="latentHeight">h.</param>
    /// <param name="latentWidth">w.</param>
    /// <param name="rgb">Receives the 8h × 8w image, RGB8 interleaved, rows top first (8h · 8w · 3 bytes).</param>
    /// <param name="runOptions">Run options, or null.</param>
    /// <remarks>Scratch buffers are kept by the pipeline, so decoding frame after frame allocates nothing.</remarks>
    public void DecodeLatents(ReadOnlySpan<float> latents, int latentHeight, int latentWidth, Span<byte> rgb, RunOptions? runOptions = null)
    {
        int height = latentHeight * 8, width = latentWidth * 8, plane = height * width;
        if (rgb.Length != 3 * plane)
            throw new ArgumentException($"expected room for {3 * plane} bytes, got {rgb.Length}", nameof(rgb));
        var scaled = Grow(ref _decodeScaled, latents.Length);
        TensorPrimitives.Divide(latents, _model.ScalingFactor, scaled);
        var decoded = Grow(ref _decodeOutput, 3 * plane);
        using var defaultRun = runOptions is null ? new RunOptions() : null;
        _model.VaeDecoder.Decode(scaled, latentHeight, latentWidth, decoded, runOptions ?? defaultRun!);
        for (var c = 0; c < 3; c++)
        {
            var channel = decoded.Slice(c * plane, plane);
            for (var p = 0; p < plane; p++)
            {
                var v = Math.Clamp(channel[p] / 2f + 0.5f, 0f, 1f);
                rgb[3 * p + c] = (byte)MathF.Round(v * 255f);
            }
        }
    }

    private UNetBinding GetBinding(int batch, int latentHeight, int latentWidth, int hiddenSize, bool separate)
    {
        var key = (batch, latentHeight, latentWidth, separate);
        if (!_bindings.TryGetValue(key, out var binding))
        {
            binding = _model.UNet.Bind(batch, latentHeight, latentWidth, _model.TextEncoder.SequenceLength, hiddenSize, separate);
            _bindings[key] = binding;
        }
        return binding;
    }

    // One scheduler per image of a batch, built by name with the model's config or as the model's own class, and
    // kept across calls (SetTimesteps resets each run).
    private List<IDiffusionScheduler> Schedulers(string? name, int count)
    {
        if (_schedulerName != (name ?? "")) _schedulers.Clear();
        _schedulerName = name ?? "";
        while (_schedulers.Count < count)
            _schedulers.Add(name is null ? SchedulerFactory.FromConfig(_model.SchedulerConfig) : SchedulerFactory.Create(name, _model.SchedulerConfig));
        return _schedulers.Count == count ? _schedulers : _schedulers.GetRange(0, count);
    }

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer.AsSpan(0, length);
    }

    /// <summary>Where the "denoise" progress of a run stands: steps done before this batch and in the whole run.</summary>
    /// <summary>Where denoising progress goes: <paramref name="Shown"/> steps per image, as diffusers' progress bar counts them.</summary>
    private readonly record struct StepReport(IProgress<PipelineProgress>? Progress, int Done, int Total, int Shown);

    /// <summary>
    /// One call of the loop: N images' prepared latents (denoised in place), their embeddings, schedulers (timesteps
    /// set) and step noise, and the part of the schedule to run.
    /// </summary>
    private readonly ref struct DenoiseBatch(Span<float> latents, ReadOnlySpan<float> text, ReadOnlySpan<float> negative,
        IReadOnlyList<IDiffusionScheduler> schedulers, IReadOnlyList<INoiseSource?> stepNoise, int start, int steps, int firstImage, StepReport report)
    {
        public Span<float> Latents { get; } = latents;
        public ReadOnlySpan<float> Text { get; } = text;
        public ReadOnlySpan<float> Negative { get; } = negative;
        public IReadOnlyList<IDiffusionScheduler> Schedulers { get; } = schedulers;
        public IReadOnlyList<INoiseSource?> StepNoise { get; } = stepNoise;
        public int Start { get; } = start;
        public int Steps { get; } = steps;
        public int FirstImage { get; } = firstImage;
        public StepReport Report { get; } = report;
    }
}
