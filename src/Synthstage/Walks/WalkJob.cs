using Synthstage.Imaging;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Synthstage.Diffusion;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Onnx;
using Synthstage.Provenance;
using Synthstage.Video;
using Synthstage.Video.Resume;
using Synthstage.Walks.Pacing;
using Synthstage.Upscaling;
using Synthstage.Walks.Upscaling;
using SkiaSharp;

namespace Synthstage.Walks;

/// <summary>
/// Renders a walk video: every frame a full denoise from noise slerped between two keyframes' seeds and text
/// embeddings lerped between their prompts, encoded as it is rendered into a resumable output.
/// </summary>
/// <remarks>
/// <para>Order of work: check the options, measure the audio (when pacing), open the output (refusing a state file
/// with other parameters) — all before the model loads and before any frame is rendered — then render from the first
/// frame not yet stored, <see cref="WalkOptions.Batch"/> frames per UNet call (a batch never spans two segments).</para>
/// <para>Each frame's step noise (for stochastic schedulers) comes from its start keyframe's generator after it has drawn
/// the keyframe's noise, exactly as <c>generate</c> uses it; keyframe frames are therefore <c>generate</c>'s images.</para>
/// <para>Memory is flat in the walk's length: buffers are sized by the batch and frame size only.</para>
/// </remarks>
public static class WalkJob
{
    private const string ProgressStage = "walk";

    /// <summary>Renders the walk described by <paramref name="options"/> with the model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">A diffusers ONNX Stable Diffusion folder.</param>
    /// <param name="session">Execution provider and threads for the model.</param>
    /// <param name="options">The walk.</param>
    /// <param name="upscaler">Replaces the upscaler <see cref="WalkOptions.Upscaler"/> resolves to for <see cref="WalkOptions.Upscale"/> &gt; 1 (its factor must match), or null.</param>
    /// <param name="progress">"load" while the model loads, then "walk" per frame (Done, Total, rate and time left as Detail).</param>
    /// <param name="ct">Stops between steps; frames stored so far stay resumable.</param>
    /// <returns>What was written and how much of it this run rendered.</returns>
    /// <exception cref="SynthstageException">Bad options, audio, model or output; the message names it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static async Task<WalkResult> RunAsync(string modelFolder, SessionOptionsSpec session, WalkOptions options,
        IFrameUpscaler? upscaler = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var started = Stopwatch.GetTimestamp();

        // 1. Everything that can be wrong with the input, before the model loads.
        var walk = await PrepareAsync(modelFolder, options, upscaler, progress, ct).ConfigureAwait(false);
        var plan = walk.Plan;

        // 2. The output: continue an earlier run of the same walk, or start one.
        await using var output = await ResumableVideoOutput.OpenAsync(new ResumableVideoOptions(options.OutputPath, walk.OutputWidth, walk.OutputHeight, options.FrameRate)
        {
            Parameters = walk.Parameters(),
            ChunkFrames = options.ChunkFrames,
            Encoder = options.Encoder,
            Restart = options.Restart,
            Audio = walk.Audio,
        }, ct).ConfigureAwait(false);
        var firstFrame = output.FramesDone;
        // The run id is the content id, so a resumed video carries one watermark payload.
        var stamp = walk.Stamp(output.RunId);

        // 3. Render what is missing.
        var warnings = await RenderFramesAsync(modelFolder, session, walk, upscaler, output, firstFrame, plan.FrameCount, stamp, progress, ct).ConfigureAwait(false);

        // 4. Join the parts (and the audio) into the output.
        progress?.Report(new PipelineProgress("join", 0, 1));
        var path = await output.CompleteAsync(ct).ConfigureAwait(false);
        progress?.Report(new PipelineProgress("join", 1, 1));
        await ProvenanceWriter.WriteAsync(path, stamp, walk.Describe(), ct).ConfigureAwait(false);
        return new WalkResult(path, plan.FrameCount, plan.FrameCount - firstFrame, firstFrame, Stopwatch.GetElapsedTime(started)) { Warnings = warnings };
    }

    /// <summary>
    /// Checks a walk and works out everything its frames depend on without loading the model: the frame plan (the
    /// audio measured when it paces the walk) and the upscaler. A whole render and a render of one range share it.
    /// </summary>
    /// <exception cref="SynthstageException">Bad options, audio or model folder.</exception>
    internal static async Task<PreparedWalk> PrepareAsync(string modelFolder, WalkOptions options, IFrameUpscaler? upscaler,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        WalkPlan.Validate(options);
        if (upscaler is not null && upscaler.Factor != options.Upscale)
            throw new ArgumentException($"the upscaler's factor {upscaler.Factor} differs from the walk's {options.Upscale}", nameof(upscaler));
        if (!Directory.Exists(modelFolder))
            throw new SynthstageException($"model folder '{modelFolder}' does not exist", ExitCodes.BadModel);
        var frameCount = WalkPlan.CountSegmentFrames(options).Sum() + 1;
        var audioStart = WalkPlan.AudioStartOf(options);
        float[]? energy = null;
        if (options.AudioPath is { } audio)
        {
            progress?.Report(new PipelineProgress("audio", 0, 1, Path.GetFileName(audio)));
            energy = await PercussiveEnergy.MeasureAsync(audio, audioStart, frameCount, options.FrameRate, options.PadAudio, ct).ConfigureAwait(false);
            progress?.Report(new PipelineProgress("audio", 1, 1, Path.GetFileName(audio)));
        }
        var plan = WalkPlan.Create(options, energy);
        // Resolved before the output opens: the method used (auto depends on what is installed) is part of the resume key.
        var resolved = options.Upscale == 1 || upscaler is not null ? null
            : await UpscalerResolver.ForFactorAsync(options.Upscaler, options.Upscale, options.Store ?? Models.ModelStore.Default, progress, ct).ConfigureAwait(false);
        // A caller's own upscaler is named "custom".
        var upscalerName = options.Upscale == 1 ? null : resolved?.Name ?? "custom";
        return new PreparedWalk(modelFolder, options, plan, upscalerName, resolved, audioStart);
    }

    /// <summary>
    /// Renders frames <paramref name="firstFrame"/> up to <paramref name="endFrame"/> (exclusive) of a prepared walk into
    /// <paramref name="output"/>. Every frame depends on its position alone, so any range renders the frames a whole run would.
    /// </summary>
    /// <returns>The prompt truncation warnings (none when nothing was left to render).</returns>
    internal static async Task<IReadOnlyList<string>> RenderFramesAsync(string modelFolder, SessionOptionsSpec session, PreparedWalk walk,
        IFrameUpscaler? upscaler, ResumableVideoOutput output, int firstFrame, int endFrame, OutputStamp stamp,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (firstFrame >= endFrame) return [];
        var options = walk.Options;
        if (options.FramesFolder is { } framesFolder) Directory.CreateDirectory(framesFolder);
        progress?.Report(new PipelineProgress("load", 0, null, Path.GetFileName(Path.GetFullPath(modelFolder).TrimEnd('/'))));
        using var model = StableDiffusionModel.Load(modelFolder, session);
        progress?.Report(new PipelineProgress("load", 1, 1));
        using var pipeline = new StableDiffusionPipeline(model);
        using var ownedUpscaler = upscaler is null ? walk.Upscaler?.CreateFrameUpscaler() : null;
        var renderer = new WalkRenderer(pipeline, options, walk.Plan, upscaler ?? ownedUpscaler, stamp);
        var warnings = renderer.Prepare(progress, ct);
        await renderer.RenderAsync(output, firstFrame, endFrame, progress, ct).ConfigureAwait(false);
        return warnings;
    }

    /// <summary>A checked walk: its plan, its upscaler, and what its output, resume key and manifest say about it.</summary>
    internal sealed record PreparedWalk(string ModelFolder, WalkOptions Options, WalkPlan Plan, string? UpscalerName, ResolvedUpscaler? Upscaler, double AudioStart)
    {
        public int OutputWidth => Options.Width * Options.Upscale;

        public int OutputHeight => Options.Height * Options.Upscale;

        /// <summary>The audio muxed into the finished walk, or null.</summary>
        public ResumableAudio? Audio => Options.AudioPath is { } a ? new ResumableAudio(a, AudioStart, Options.PadAudio) : null;

        /// <summary>The parameters a resumed run must repeat.</summary>
        public JsonObject Parameters() => WalkJob.Parameters(ModelFolder, Options, Plan, UpscalerName, Upscaler);

        /// <summary>The manifest record of the finished walk.</summary>
        public ProvenanceRecord Describe() => WalkJob.Describe(ModelFolder, Options, Plan, UpscalerName, Upscaler);

        /// <summary>The watermark and label every frame gets, carrying <paramref name="contentId"/>.</summary>
        public OutputStamp Stamp(string contentId) => OutputStamp.Create(Options.Provenance, OutputWidth, OutputHeight, 3, contentId);
    }

    /// <summary>What the manifest says about a walk: keyframe prompts and seeds, the model's UNet (hashed), the settings (the encoder's as its resume key names them).</summary>
    private static ProvenanceRecord Describe(string modelFolder, WalkOptions options, WalkPlan plan, string? upscalerName, ResolvedUpscaler? upscaler)
    {
        var inv = CultureInfo.InvariantCulture;
        var record = new ProvenanceRecord("walk")
            .AddPart("whole frame", "synthetic", "every frame generated by Stable Diffusion between the keyframes' prompts and seeds")
            .Set("frames", plan.FrameCount.ToString(inv))
            .Set("segment-frames", string.Join(",", plan.SegmentFrames.Select(f => f.ToString(inv))))
            .Set("steps", string.Join(",", plan.Steps.Select(s => s.ToString(inv))))
            .Set("guidance", string.Join(",", plan.Guidance.Select(g => g.ToString("R", inv))))
            .Set("size", $"{options.Width}x{options.Height}")
            .Set("upscale", options.Upscale.ToString(inv))
            .Set("fps", options.FrameRate.ToString("R", inv))
            .Set("scheduler", options.Scheduler ?? "model default")
            .Set(SettingsWriter.Collect(options.Encoder));
        for (var k = 0; k < options.Keyframes.Count; k++)
        {
            var keyframe = options.Keyframes[k];
            record.Prompts.Add(new Provenance.Manifest.PromptRecord($"keyframe {k + 1}", keyframe.Prompt,
                string.IsNullOrEmpty(keyframe.NegativePrompt) ? null : keyframe.NegativePrompt));
            record.Seeds.Add(keyframe.Seed);
        }
        var id = Path.GetFileName(Path.GetFullPath(modelFolder).TrimEnd('/'));
        // The UNet decides the pixels and is hashed in full (hundreds of MB to a few GB: seconds, once per finished walk).
        var unet = Path.Combine(modelFolder, "unet", "model.onnx");
        record.AddModel("unet", id, File.Exists(unet) ? unet : Path.Combine(modelFolder, "model_index.json"));
        if (upscalerName is not null) record.Set("upscaler", upscalerName);
        upscaler?.AddModelTo(record, "frame super-resolution");
        // The audio paces the walk with this much of an even ramp mixed in; without audio it changes nothing.
        if (options.AudioPath is { } audio) record.AddInput("audio", audio).Set("smooth", options.Smooth.ToString("R", inv));
        return record;
    }

    /// <summary>The parameters a resumed run must repeat: everything the frames' pixels depend on.</summary>
    private static JsonObject Parameters(string modelFolder, WalkOptions options, WalkPlan plan, string? upscalerName, ResolvedUpscaler? upscaler)
    {
        var inv = CultureInfo.InvariantCulture;
        var positions = new byte[plan.FrameCount * sizeof(float)];
        for (var i = 0; i < plan.FrameCount; i++) BitConverter.TryWriteBytes(positions.AsSpan(i * 4), plan.Positions[i]);
        var parameters = new JsonObject
        {
            ["model"] = Path.GetFullPath(modelFolder).TrimEnd('/'),
            ["keyframes"] = new JsonArray(options.Keyframes.Select(k => (JsonNode)new JsonObject
            {
                ["prompt"] = k.Prompt,
                ["negative"] = k.NegativePrompt,
                ["seed"] = k.Seed.ToString(inv),
            }).ToArray()),
            ["frames"] = new JsonArray(plan.SegmentFrames.Select(f => (JsonNode)f).ToArray()),
            ["steps"] = new JsonArray(plan.Steps.Select(s => (JsonNode)s).ToArray()),
            ["guidance"] = new JsonArray(plan.Guidance.Select(g => (JsonNode)g.ToString("R", inv)).ToArray()),
            ["size"] = $"{options.Width}x{options.Height}",
            ["scheduler"] = options.Scheduler,
            ["batch"] = options.Batch,
            ["upscale"] = options.Upscale,
            ["smooth"] = options.Smooth.ToString("R", inv),
            ["positions"] = Convert.ToHexString(SHA256.HashData(positions)),
            ["framesFolder"] = options.FramesFolder is { } f ? Path.GetFullPath(f) : null,
            ["watermark"] = options.Provenance.Watermark ? options.Provenance.WatermarkStrength.ToString("R", inv) : "off",
            ["label"] = string.IsNullOrWhiteSpace(options.Provenance.Label) ? null : options.Provenance.Label,
        };
        // Only with an enlargement, so unfinished walks without one keep their key.
        if (upscalerName is not null) parameters["upscaler"] = upscalerName + ModelIdentity(upscaler);
        return parameters;
    }

    /// <summary>Size and time of a model file, so a model replaced in place is another parameter.</summary>
    private static string ModelIdentity(ResolvedUpscaler? upscaler)
    {
        if (upscaler?.ModelPath is not { } path) return "";
        var info = new FileInfo(path);
        return string.Create(CultureInfo.InvariantCulture, $" {info.Length} {info.LastWriteTimeUtc.Ticks}");
    }

    /// <summary>Per-run buffers and the frame loop.</summary>
    private sealed class WalkRenderer(StableDiffusionPipeline pipeline, WalkOptions options, WalkPlan plan, IFrameUpscaler? upscaler, OutputStamp stamp)
    {
        private readonly int _latentLength = 4 * (options.Height / 8) * (options.Width / 8);
        private readonly int _frameBytes = options.Width * options.Height * 3;
        private readonly Dictionary<int, float[]> _noise = [];
        private float[][] _text = [];
        private float[][] _negative = [];

        /// <summary>Checks the batch against the model and encodes every keyframe's prompt and negative prompt once.</summary>
        /// <returns>A warning for every prompt cut at the text encoder's length, naming the keyframe and the dropped words.</returns>
        public IReadOnlyList<string> Prepare(IProgress<PipelineProgress>? progress, CancellationToken ct)
        {
            for (var s = 0; s < plan.SegmentFrames.Count; s++)
                pipeline.ValidateLatentBatch(Settings(s), Math.Min(options.Batch, plan.SegmentFrames[s] + (s == plan.SegmentFrames.Count - 1 ? 1 : 0)));
            var keyframes = options.Keyframes;
            progress?.Report(new PipelineProgress("encode", 0, keyframes.Count));
            _text = new float[keyframes.Count][];
            _negative = new float[keyframes.Count][];
            var warnings = new List<string>();
            for (var k = 0; k < keyframes.Count; k++)
            {
                if (pipeline.TruncationWarning(keyframes[k].Prompt, $"keyframe {k + 1} prompt") is { } prompt) warnings.Add(prompt);
                if (pipeline.TruncationWarning(keyframes[k].NegativePrompt, $"keyframe {k + 1} negative prompt") is { } negative) warnings.Add(negative);
                _text[k] = pipeline.EncodePromptEmbeddings(keyframes[k].Prompt, progress, ct);
                _negative[k] = pipeline.EncodePromptEmbeddings(keyframes[k].NegativePrompt, progress, ct);
                progress?.Report(new PipelineProgress("encode", k + 1, keyframes.Count));
            }
            return warnings;
        }

        public async Task RenderAsync(ResumableVideoOutput output, int firstFrame, int endFrame, IProgress<PipelineProgress>? progress, CancellationToken ct)
        {
            var batch = options.Batch;
            var embeddingLength = _text[0].Length;
            var noise = new float[batch * _latentLength];
            var text = new float[batch * embeddingLength];
            var negative = new float[batch * embeddingLength];
            var rgb = new byte[batch * _frameBytes];
            var upscaled = upscaler is null ? null : new byte[_frameBytes * upscaler.Factor * upscaler.Factor];
            var discard = new float[_latentLength];
            var stepNoise = new INoiseSource?[batch];
            var clock = Stopwatch.StartNew();
            var rendered = 0;

            for (var frame = firstFrame; frame < endFrame;)
            {
                // A batch holds consecutive frames of one segment (they share steps and guidance).
                var segment = plan.SegmentOf(frame);
                var count = 1;
                while (count < batch && frame + count < endFrame && plan.SegmentOf(frame + count) == segment) count++;
                for (var i = 0; i < count; i++)
                {
                    var k = plan.KeyframeOf(frame + i);
                    var t = plan.Positions[frame + i];
                    var next = t == 0f ? k : k + 1;
                    LatentInterpolation.Slerp(Noise(k), Noise(next), t, noise.AsSpan(i * _latentLength, _latentLength));
                    LatentInterpolation.Lerp(_text[k], _text[next], t, text.AsSpan(i * embeddingLength, embeddingLength));
                    LatentInterpolation.Lerp(_negative[k], _negative[next], t, negative.AsSpan(i * embeddingLength, embeddingLength));
                    // generate's generator after drawing the keyframe's latents: the same ancestral noise at keyframes.
                    var generator = new TorchGenerator(options.Keyframes[k].Seed);
                    generator.Randn(discard);
                    stepNoise[i] = generator;
                }
                var slots = stepNoise.AsSpan(0, count).ToArray();
                pipeline.GenerateFromLatents(Settings(segment), noise.AsSpan(0, count * _latentLength), text.AsSpan(0, count * embeddingLength),
                    negative.AsSpan(0, count * embeddingLength), slots, rgb.AsSpan(0, count * _frameBytes), ct);

                for (var i = 0; i < count; i++)
                {
                    Memory<byte> pixels = rgb.AsMemory(i * _frameBytes, _frameBytes);
                    if (upscaler is not null)
                    {
                        upscaler.Upscale(pixels.Span, options.Width, options.Height, upscaled);
                        pixels = upscaled;
                    }
                    stamp.Apply(pixels.Span); // watermark + label
                    if (options.FramesFolder is { } folder) SavePng(folder, frame + i, pixels.Span, options.Width * options.Upscale, options.Height * options.Upscale);
                    await output.WriteFrameAsync(pixels, ct).ConfigureAwait(false);
                }
                frame += count;
                rendered += count;
                progress?.Report(new PipelineProgress(ProgressStage, frame, plan.FrameCount, Rate(rendered, clock.Elapsed, endFrame - frame)));
            }
        }

        private LatentDenoiseOptions Settings(int segment) => new()
        {
            Width = options.Width,
            Height = options.Height,
            Steps = plan.Steps[segment],
            GuidanceScale = plan.Guidance[segment],
            Scheduler = options.Scheduler,
        };

        // A keyframe's initial noise as generate draws it: TorchGenerator(seed).Randn([1, 4, H/8, W/8]). Two are kept.
        private float[] Noise(int keyframe)
        {
            if (_noise.TryGetValue(keyframe, out var noise)) return noise;
            foreach (var old in _noise.Keys.Where(key => key < keyframe - 1).ToArray()) _noise.Remove(old);
            noise = new float[_latentLength];
            new TorchGenerator(options.Keyframes[keyframe].Seed).Randn(noise);
            _noise[keyframe] = noise;
            return noise;
        }

        private static string Rate(int rendered, TimeSpan elapsed, int remaining)
        {
            var perSecond = rendered / Math.Max(elapsed.TotalSeconds, 1e-3);
            var left = TimeSpan.FromSeconds(remaining / Math.Max(perSecond, 1e-9));
            var rate = perSecond >= 1 ? $"{perSecond:0.00} frames/s" : $"{1 / perSecond:0.00} s/frame";
            return string.Create(CultureInfo.InvariantCulture, $"{rate}, {(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00} left");
        }

        private static void SavePng(string folder, int frame, ReadOnlySpan<byte> rgb, int width, int height)
        {
            var path = Path.Combine(folder, $"frame_{frame + 1:D6}.png");
            var temp = path + ".partial";
            using (var bitmap = new RgbImage(width, height, rgb.ToArray()).ToBitmap())
            using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100) ?? throw new SynthstageException("PNG encoding failed", ExitCodes.Failure))
            using (var file = File.Create(temp))
                data.SaveTo(file);
            File.Move(temp, path, overwrite: true);
        }
    }
}
