using System.Collections.Concurrent;
using Synthstage.Compositing;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Provenance;
using Synthstage.Scenes;
using Synthstage.Video;

namespace Synthstage.Studio;

/// <summary>
/// The prompt and walks pages' "preview": one composited still of a prompt scene (<see cref="SceneCompositeJob.PreviewAsync"/>,
/// through <see cref="CompositePreview"/>), or one walk keyframe (the image <c>generate</c> makes for it), made in the
/// background while every denoising step's <see cref="LatentPreview"/> picture is kept for the page to show live.
/// One preview runs at a time (a new one stops the one before: two would halve each other's speed); the newest
/// few are kept under <c>work/previews/</c>.
/// </summary>
public sealed class ScenePreviews(StudioDataFolder folder, ModelStore store)
{
    private const int Kept = 16;
    private readonly ConcurrentDictionary<string, PreviewRun> _runs = new();

    /// <summary>Starts the composite of frame <paramref name="frame"/> (null: the middle) over the request's scene.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/> or <see cref="ExitCodes.BadInput"/>: no scene, a bad setting, a clip that is not in
    /// the data folder or a frame past its end — all before anything runs.</exception>
    public async Task<PreviewRun> StartSceneAsync(RenderRequest request, int? frame, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Scene is not { } scene) throw new SynthstageException("a scene preview needs a prompt (scene)", ExitCodes.Usage);
        var options = scene.ToOptions(folder);
        if (options.WalkPrompts.Count > 0) options = options with { Prompt = options.WalkPrompts[0], WalkPrompts = [] };
        if (!KeyingModelChoice.IsBuiltIn(request.Model)) throw new SynthstageException($"unknown model '{request.Model}'", ExitCodes.Usage);
        var look = new CompositeLook { Harmonize = request.Harmonize, LightWrap = request.LightWrap };
        look.Validate();
        var clip = folder.Resolve(request.Clip);
        if (!File.Exists(clip)) throw new SynthstageException($"'{request.Clip}' is not a file in the data folder", ExitCodes.BadInput);
        var info = await MediaProbe.ProbeAsync(clip, ct).ConfigureAwait(false);
        if (frame is { } n && (n < 0 || n >= Math.Max(1, info.FrameCount)))
            throw new SynthstageException($"frame {n} is not in the clip (0 to {Math.Max(1, info.FrameCount) - 1})", ExitCodes.Usage);
        var keying = new KeyingOptions { Model = request.Model, Store = store };
        return Start(async run =>
        {
            var result = await SceneCompositeJob.PreviewAsync(clip, run.ImagePath, options with { Preview = run }, keying, look, frame, null, run.Token)
                .ConfigureAwait(false);
            return result.Plate.FromCache ? "the scene came from the cache (same prompt, seed and settings as before)" : result.Render.Warning;
        });
    }

    /// <summary>Starts keyframe <paramref name="keyframe"/> of a walk: the image <c>synthstage generate</c> makes from its prompt, seed and negative prompt.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: no such keyframe, an empty prompt, or a bad size, steps, guidance, scheduler or model.</exception>
    public PreviewRun StartKeyframe(WalkRequest walk, int keyframe)
    {
        ArgumentNullException.ThrowIfNull(walk);
        if (keyframe < 0 || keyframe >= walk.Keyframes.Count)
            throw new SynthstageException($"keyframe {keyframe + 1} does not exist (the walk has {walk.Keyframes.Count})", ExitCodes.Usage);
        var key = walk.Keyframes[keyframe];
        if (string.IsNullOrWhiteSpace(key.Prompt)) throw new SynthstageException($"keyframe {keyframe + 1} has an empty prompt: say what it should show", ExitCodes.Usage);
        SceneRequest.CheckSteps(walk.Steps);
        SceneRequest.CheckGuidance(walk.Guidance);
        var options = new StableDiffusionOptions
        {
            Prompt = key.Prompt, NegativePrompt = key.Negative ?? "", Seed = key.Seed, Steps = walk.Steps, GuidanceScale = walk.Guidance,
            Scheduler = SceneRequest.SchedulerOf(walk.Scheduler), Width = walk.Width, Height = walk.Height,
        };
        StableDiffusionPipeline.Validate(options);
        var modelValue = walk.ModelValue(folder);
        return Start(async run =>
        {
            var modelFolder = await SceneGenerator.ResolveModelAsync(modelValue, store, null, run.Token).ConfigureAwait(false);
            var image = await Task.Run(() =>
            {
                using var model = StableDiffusionModel.Load(modelFolder, new Onnx.SessionOptionsSpec(Onnx.ExecutionDevice.Cpu, IntraOpThreads: 0));
                using var pipeline = new StableDiffusionPipeline(model);
                return pipeline.Generate(options with { Preview = run }, null, run.Token)[0];
            }, run.Token).ConfigureAwait(false);
            // Labelled like every output: watermark, and signed content credentials saying the whole image is synthetic.
            await GeneratedImageProvenance.SaveAsync(image, run.ImagePath, new ProvenanceOptions(), modelFolder, modelValue ?? SceneOptions.DefaultModel, null, run.Token)
                .ConfigureAwait(false);
            return image.Warnings.Count == 0 ? null : string.Join("; ", image.Warnings);
        });
    }

    /// <summary>The run with <paramref name="id"/>.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: no such preview (or it was pruned).</exception>
    public PreviewRun Get(string id) =>
        _runs.TryGetValue(id ?? "", out var run) ? run : throw new SynthstageException($"no preview '{id}'", ExitCodes.BadInput);

    private PreviewRun Start(Func<PreviewRun, Task<string?>> work)
    {
        foreach (var other in _runs.Values) other.Stop();
        Prune();
        var id = Guid.NewGuid().ToString("N")[..12];
        var previews = Path.Combine(folder.Work, "previews");
        Directory.CreateDirectory(previews);
        var run = new PreviewRun(id, Path.Combine(previews, id + ".png"));
        _runs[id] = run;
        _ = Task.Run(async () =>
        {
            PreviewEvent last;
            try
            {
                var note = await work(run).ConfigureAwait(false);
                var (step, steps) = run.LastStep();
                last = new PreviewEvent("done", step, steps, null, note);
            }
            catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
            {
                var (step, steps) = run.LastStep();
                last = new PreviewEvent("stopped", step, steps, null, $"stopped after step {step} of {steps}");
            }
            catch (SynthstageException e)
            {
                last = new PreviewEvent("error", 0, 0, null, e.Message);
            }
#pragma warning disable CA1031 // A preview's failure of any kind becomes its one-line error; the studio keeps serving.
            catch (Exception e)
#pragma warning restore CA1031
            {
                last = new PreviewEvent("error", 0, 0, null, $"unexpected failure: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
            run.End(last);
        });
        return run;
    }

    private void Prune()
    {
        foreach (var old in _runs.Values.Where(r => r.Finished).OrderByDescending(r => r.Started).Skip(Kept - 1).ToArray())
        {
            _runs.TryRemove(old.Id, out _);
            if (File.Exists(old.ImagePath)) File.Delete(old.ImagePath);
        }
    }
}
