using Synthstage.Imaging;
using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Diffusion.Models;
using Synthstage.Models;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Onnx;
using Synthstage.Provenance;
using Synthstage.Video;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage generate --model DIR --prompt TEXT … -o OUT.png</c>: Stable Diffusion text-to-image, or
/// image-to-image with <c>--init</c>. With <c>--count N</c> the files are OUT-SEED.png for seeds S … S+N−1.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Stable Diffusion model folder (diffusers ONNX layout)", Required = true };
        var prompt = new Option<string>("--prompt", "-p") { Description = "Text prompt (empty = unconditional)", Required = true };
        var negative = new Option<string>("--negative", "-n") { Description = "Negative prompt", DefaultValueFactory = _ => "" };
        var diffusion = new DiffusionOptions();
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the first image (default: random, printed)" };
        var width = new Option<int?>("--width", "-W") { Description = "Width in pixels, a multiple of 8 (default 512, or the init image's width)" };
        var height = new Option<int?>("--height", "-H") { Description = "Height in pixels, a multiple of 8 (default 512, or the init image's height)" };
        var roundSize = new Option<bool>("--round-size") { Description = "Round width and height down to multiples of 8 instead of refusing them" };
        var init = new Option<string?>("--init") { Description = "Init image for image-to-image (resized to --width × --height when given)" };
        var strength = new Option<double>("--strength") { Description = "Image-to-image strength 0..1 (share of the schedule run)", DefaultValueFactory = _ => 0.8 };
        var count = new Option<int>("--count") { Description = "Number of images (seeds S, S+1, …)", DefaultValueFactory = _ => 1 };
        var device = CommonOptions.Device();
        var noCache = new Option<bool>("--no-ort-cache") { Description = "Do not keep optimised models in ~/.cache/synthstage/ort (each run then re-optimises; full SD UNet ~50 s)" };
        var output = CommonOptions.Output("Output PNG (with --count > 1: OUT-SEED.png per image)");
        var preview = new Option<string?>("--preview") { Description = "PNG rewritten after every step with a cheap preview of the latents (no model run)" };
        var noWatermark = CommonOptions.NoWatermark();
        var label = CommonOptions.Label();
        var signing = new CommonOptions.Signing();
        var command = new Command("generate", "Generate images with Stable Diffusion (text-to-image, or image-to-image with --init)")
        {
            model, prompt, negative, seed, width, height, roundSize, init, strength, count, device, noCache, output,
            preview, noWatermark, label,
        };
        diffusion.AddTo(command);
        signing.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var outputPath = result.GetValue(output)!;
            RgbImage? initImage = result.GetValue(init) is { } initPath ? RgbImage.Load(initPath, "init image") : null;
            var w = result.GetValue(width) ?? initImage?.Width ?? 512;
            var h = result.GetValue(height) ?? initImage?.Height ?? 512;
            if (result.GetValue(roundSize))
            {
                w = Math.Max(8, w / 8 * 8);
                h = Math.Max(8, h / 8 * 8);
            }
            // Steps, guidance and scheduler the user leaves out take the model's recommended settings (SD-Turbo: 1 step,
            // guidance 0; LCM: 4 steps, guidance 8.5, lcm), first by its name, then again once the model is loaded.
            var given = new GivenSettings(
                result.GetResult(diffusion.Steps) is { Implicit: false } ? result.GetValue(diffusion.Steps) : null,
                result.GetResult(diffusion.Guidance) is { Implicit: false } ? result.GetValue(diffusion.Guidance) : null,
                result.GetValue(diffusion.Scheduler));
            var recommended = RecommendedSettings.ForName(result.GetValue(model)!);
            var previewFile = result.GetValue(preview) is { } previewPath ? new LatentPreviewFile(previewPath) : null;
            var options = new StableDiffusionOptions
            {
                Prompt = result.GetValue(prompt)!,
                NegativePrompt = result.GetValue(negative)!,
                Steps = given.Steps ?? recommended.Steps,
                GuidanceScale = given.Guidance ?? recommended.GuidanceScale,
                Scheduler = given.Scheduler ?? recommended.Scheduler,
                Preview = previewFile,
                Seed = result.GetValue(seed) ?? (ulong)Random.Shared.NextInt64(0, uint.MaxValue),
                Count = result.GetValue(count),
                Width = w,
                Height = h,
                InitImage = initImage is not null && w % 8 == 0 && h % 8 == 0 && w >= 8 && h >= 8 ? initImage.Resize(w, h) : initImage,
                Strength = result.GetValue(strength),
            };
            // Diffusion runs one big model at a time: let ONNX Runtime use every core.
            var spec = result.GetValue(device)!.Session(intraOpThreads: 0);
            if (!result.GetValue(noCache)) spec = spec with { OptimizedModelCacheFolder = CacheFolder() };
            StableDiffusionPipeline.Validate(options);
            var provenance = CommonOptions.ReadProvenance(result, noWatermark, label, signing);
            var modelFolder = "";
            var images = await ConsoleProgress.RunAsync(async progress =>
            {
                // A folder, a catalog id or a Hub name: fetched into the Hugging Face cache on first use.
                var folder = modelFolder = await ModelResolver.ResolveAsync(result.GetValue(model)!, progress: progress, cancellationToken: token);
                return await Task.Run(() => Render(folder, result.GetValue(model)!, spec, options, given, progress, token), token);
            });
            foreach (var warning in images[0].Warnings) System.Console.Error.WriteLine($"warning: {warning}");
            foreach (var image in images)
            {
                var path = images.Count == 1 ? outputPath : NumberedPath(outputPath, image.Seed);
                // Watermark + label into the pixels, PNG with manifest chunk, signed sidecar.
                await GeneratedImageProvenance.SaveAsync(image, path, provenance, modelFolder, result.GetValue(model)!, result.GetValue(init), token);
                System.Console.WriteLine($"wrote {path} (seed {image.Seed})");
            }
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static IReadOnlyList<GeneratedImage> Render(string folder, string reference, SessionOptionsSpec spec, StableDiffusionOptions options,
        GivenSettings given, IProgress<PipelineProgress> progress, CancellationToken token)
    {
        progress.Report(new PipelineProgress("load", 0, null, Path.GetFileName(folder)));
        using var sd = StableDiffusionModel.Load(folder, spec);
        progress.Report(new PipelineProgress("load", 1, 1));
        var recommended = RecommendedSettings.For(sd, reference);
        options = options with
        {
            Steps = given.Steps ?? recommended.Steps,
            GuidanceScale = given.Guidance ?? recommended.GuidanceScale,
            Scheduler = given.Scheduler ?? recommended.Scheduler,
        };
        using var pipeline = new StableDiffusionPipeline(sd);
        return pipeline.Generate(options, progress, token);
    }

    // What the command line set explicitly; null takes the model's recommendation.
    private sealed record GivenSettings(int? Steps, float? Guidance, string? Scheduler);

    private static string NumberedPath(string path, ulong seed)
    {
        var dir = Path.GetDirectoryName(path) ?? "";
        var name = Path.GetFileNameWithoutExtension(path);
        var ext = Path.GetExtension(path);
        return Path.Combine(dir, $"{name}-{seed.ToString(CultureInfo.InvariantCulture)}{(ext.Length > 0 ? ext : ".png")}");
    }

    // Optimised graphs live beside the models: $SYNTHSTAGE_HOME/ort (default ~/.cache/synthstage/ort).
    private static string CacheFolder() => Path.Combine(ModelStore.DefaultRoot(), "ort");
}
