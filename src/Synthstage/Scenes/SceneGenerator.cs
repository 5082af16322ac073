using Synthstage.Imaging;
using System.Diagnostics;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Models;
using Synthstage.Video;

namespace Synthstage.Scenes;

/// <summary>
/// Produces the scene plate for a prompt: resolves the model, picks the size (native pixel count at the footage's
/// aspect, see <see cref="SceneSize"/>), and returns the cached plate or generates it once with
/// <see cref="StableDiffusionPipeline"/> and caches it (<see cref="ScenePlateCache"/>).
/// </summary>
public static class SceneGenerator
{
    /// <summary>The plate for <paramref name="options"/> behind footage of aspect <paramref name="frameAspect"/>.</summary>
    /// <param name="options">Prompt, seed, model, motion (a pan widens the plate).</param>
    /// <param name="frameAspect">Footage width / height as displayed.</param>
    /// <param name="store">Model store; its <c>cache/scenes</c> folder holds the plates unless <see cref="SceneOptions.CacheFolder"/> is set.</param>
    /// <param name="progress">Model download, "load", "encode", "denoise" and "decode" progress.</param>
    /// <param name="ct">Cancels the download or the denoising loop.</param>
    /// <exception cref="SynthstageException">No model installed (the message says which to install), bad settings, or a broken model.</exception>
    public static async Task<ScenePlate> GetPlateAsync(SceneOptions options, double frameAspect, ModelStore store,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options.Motion.Validate();
        Check(options, 512, 512);

        var folder = await ResolveModelAsync(options.Model, store, progress, ct).ConfigureAwait(false);
        var config = SceneModelConfig.Read(folder);
        var (width, height) = SceneSize.Choose(config.NativePixels, frameAspect * options.Motion.AspectFactor, config.Alignment, StableDiffusionPipeline.MaxSide);
        var generation = Check(options, width, height);

        var cache = options.CacheFolder is null ? ScenePlateCache.In(store) : new ScenePlateCache(options.CacheFolder);
        var key = ScenePlateCache.Key(ScenePlateCache.ModelIdentity(folder), options, width, height);
        if (cache.TryLoad(key) is { } hit)
            return new ScenePlate(hit.Image, hit.Parameters, width, height, true, TimeSpan.Zero, cache.PathOf(key), Note(config, hit.Image, width, height));

        var clock = Stopwatch.StartNew();
        var image = await Task.Run(() => Generate(folder, options.Session, generation, config, progress, ct), ct).ConfigureAwait(false);
        var path = cache.Save(key, image);
        return new ScenePlate(image.Image, image.Parameters, width, height, false, clock.Elapsed, path, Note(config, image.Image, width, height));
    }

    /// <summary>Resolves <paramref name="model"/>; for null, the installed default or a message saying how to install it.</summary>
    /// <exception cref="SynthstageException">The default model is not installed, or the name cannot be resolved.</exception>
    public static async Task<string> ResolveModelAsync(string? model, ModelStore store, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (model is not null)
            return await ModelResolver.ResolveAsync(model, store: store, progress: progress, cancellationToken: ct).ConfigureAwait(false);
        try
        {
            return await ModelResolver.ResolveAsync(SceneOptions.DefaultModel, store: store, download: false, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (SynthstageException e) when (e.ExitCode == ExitCodes.BadModel)
        {
            throw new SynthstageException(
                $"--prompt needs a Stable Diffusion model and none is installed: run `synthstage models pull {SceneOptions.DefaultModel}` " +
                "(Stable Diffusion 1.5, about 5.3 GB, CreativeML OpenRAIL-M) or pass --scene-model FOLDER|ID|org/name; " +
                "--background IMAGE works offline", ExitCodes.BadModel, e);
        }
    }

    private static StableDiffusionOptions Check(SceneOptions options, int width, int height)
    {
        if (string.IsNullOrWhiteSpace(options.Prompt))
            throw new SynthstageException("--prompt must describe the scene (it is empty)", ExitCodes.Usage);
        var generation = new StableDiffusionOptions
        {
            Prompt = options.Prompt,
            NegativePrompt = options.NegativePrompt ?? "",
            Seed = options.Seed,
            Steps = options.Steps,
            GuidanceScale = options.GuidanceScale,
            Scheduler = options.Scheduler,
            Preview = options.Preview,
            Width = width,
            Height = height,
        };
        StableDiffusionPipeline.Validate(generation);
        return generation;
    }

    private static GeneratedImage Generate(string folder, Onnx.SessionOptionsSpec session, StableDiffusionOptions generation, SceneModelConfig config,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new PipelineProgress("load", 0, 1, Path.GetFileName(folder.TrimEnd('/'))));
        using var model = StableDiffusionModel.Load(folder, session);
        progress?.Report(new PipelineProgress("load", 1, 1));
        // An export with static spatial shapes only makes its own size: use it and let the cover crop fit the footage.
        var dims = model.UNet.Session.InputMetadata[model.UNet.SampleName].Dimensions;
        if (dims.Length == 4 && dims[2] > 0 && dims[3] > 0)
            generation = generation with { Width = dims[3] * config.VaeScale, Height = dims[2] * config.VaeScale };
        using var pipeline = new StableDiffusionPipeline(model);
        return pipeline.Generate(generation, progress, ct)[0];
    }

    private static string? Note(SceneModelConfig config, RgbImage image, int width, int height)
    {
        var notes = new List<string>();
        if (config.Note is not null) notes.Add(config.Note);
        if (image.Width != width || image.Height != height)
            notes.Add($"the model only generates {image.Width}×{image.Height} (its UNet has static input shapes), not {width}×{height} at the footage's aspect; used {image.Width}×{image.Height}, cropped to cover the frame");
        return notes.Count == 0 ? null : string.Join("; ", notes);
    }
}
