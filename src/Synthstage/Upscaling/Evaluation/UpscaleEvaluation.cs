using System.Diagnostics;
using Synthstage.Imaging;
using Synthstage.Media;
using Synthstage.Walks.Upscaling;

namespace Synthstage.Upscaling.Evaluation;

/// <summary>
/// <c>synthstage eval upscale</c>: how well each super-resolution model restores real pictures next to Lanczos-3. Each
/// original (video frames spread over the clip, or a still) is shrunk ×f with <see cref="MatlabBicubic"/> (MATLAB's
/// antialiased bicubic by default, as the models' DIV2K training pairs were made), enlarged back ×f by the model and by
/// <see cref="LanczosUpscaler"/> (and, as SR papers' baseline, bicubic), and scored against the original with <see cref="LumaQuality"/> (Y, border cropped).
/// </summary>
public static class UpscaleEvaluation
{
    /// <summary>Runs the evaluation.</summary>
    /// <param name="options">Inputs, models, shrink and scoring.</param>
    /// <param name="progress">"install" for a model's first use, then "eval" per frame and model.</param>
    /// <param name="ct">Stops between tiles.</param>
    /// <exception cref="SynthstageException">Bad settings or inputs (Usage, BadInput), a model that cannot be installed (BadModel).</exception>
    public static async Task<UpscaleScores> RunAsync(UpscaleEvaluationOptions options, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var sources = options.Models.Select(UpscaleModelSource.Parse).ToArray();
        var models = new List<(string Name, string Path, int Scale)>();
        foreach (var source in sources)
        {
            var path = await source.ResolveAsync(progress, ct).ConfigureAwait(false);
            using var probe = SuperResolutionUpscaler.Create(path, options.SuperResolution);
            models.Add((source.Model?.Name ?? Path.GetFileName(path), path, probe.Factor));
        }
        var originals = new List<(string Name, RgbImage Image)>();
        foreach (var input in options.Inputs) originals.AddRange(await LoadAsync(input, options.FramesPerVideo, ct).ConfigureAwait(false));
        if (options.PreShrink > 1)
        {
            // A sharper ground truth: codec softness averaged away at the pixel scale.
            var pre = new MatlabBicubic(options.PreShrink);
            for (var i = 0; i < originals.Count; i++)
            {
                var image = CropToMultiple(originals[i].Image, options.PreShrink);
                originals[i] = (originals[i].Name, new RgbImage(image.Width / options.PreShrink, image.Height / options.PreShrink, pre.Shrink(image.Pixels, image.Width, image.Height)));
            }
        }

        var perFrame = new List<UpscaleFrameScore>();
        var methods = new List<UpscaleMethodScore>();
        var factors = models.Select(m => m.Scale).Distinct().Order().ToArray();
        // Per factor: shrunk inputs and Lanczos' results once, shared by every model of that factor.
        var shrunk = new Dictionary<int, (RgbImage Original, RgbImage Small, byte[] Lanczos)[]>();
        var lanczosScores = new Dictionary<int, (double Psnr, double Ssim)[]>();
        foreach (var f in factors)
        {
            var shrink = new MatlabBicubic(f, options.ShrinkCubic, options.ShrinkAntialias);
            var bicubic = new MatlabBicubic(f);
            using var lanczos = new LanczosUpscaler(f);
            var bicubicScores = new (double, double, double)[originals.Count];
            var items = new (RgbImage, RgbImage, byte[])[originals.Count];
            var scores = new (double, double)[originals.Count];
            var clock = Stopwatch.StartNew();
            TimeSpan time = TimeSpan.Zero;
            double megapixels = 0, psnrRgb = 0;
            for (var i = 0; i < originals.Count; i++)
            {
                var original = CropToMultiple(originals[i].Image, f);
                var small = new RgbImage(original.Width / f, original.Height / f, shrink.Shrink(original.Pixels, original.Width, original.Height));
                var enlarged = new byte[original.Pixels.Length];
                clock.Restart();
                lanczos.Upscale(small.Pixels, small.Width, small.Height, enlarged);
                time += clock.Elapsed;
                megapixels += original.Width * (double)original.Height / 1e6;
                items[i] = (original, small, enlarged);
                scores[i] = Score(original, enlarged, options.Border ?? f, out var rgb);
                psnrRgb += rgb;
                perFrame.Add(new UpscaleFrameScore(originals[i].Name, "lanczos-x" + f, f, scores[i].Item1, scores[i].Item2));
                var (bp, bs) = Score(original, bicubic.Enlarge(small.Pixels, small.Width, small.Height), options.Border ?? f, out var brgb);
                bicubicScores[i] = (bp, bs, brgb);
            }
            var bicubicBetter = Enumerable.Range(0, originals.Count).Count(i => bicubicScores[i].Item1 > scores[i].Item1);
            methods.Add(new UpscaleMethodScore("bicubic-x" + f, f, originals.Count, bicubicScores.Average(s => s.Item1), bicubicScores.Average(s => s.Item2),
                bicubicScores.Average(s => s.Item3), bicubicBetter, double.NaN));
            shrunk[f] = items;
            lanczosScores[f] = scores;
            methods.Add(new UpscaleMethodScore("lanczos-x" + f, f, originals.Count, scores.Average(s => s.Item1), scores.Average(s => s.Item2),
                psnrRgb / originals.Count, 0, time.TotalMilliseconds / megapixels));
        }

        string? cropPath = null;
        var done = 0;
        var total = models.Count * originals.Count;
        foreach (var model in models)
        {
            var f = model.Scale;
            using var upscaler = SuperResolutionUpscaler.Create(model.Path, options.SuperResolution);
            double psnr = 0, ssim = 0, psnrRgb = 0, megapixels = 0;
            var better = 0;
            var time = TimeSpan.Zero;
            for (var i = 0; i < originals.Count; i++)
            {
                var (original, small, lanczos) = shrunk[f][i];
                var clock = Stopwatch.StartNew();
                var enlarged = upscaler.Upscale(small, ct);
                time += clock.Elapsed;
                megapixels += enlarged.Width * (double)enlarged.Height / 1e6;
                var (p, s) = Score(original, enlarged.Pixels, options.Border ?? f, out var rgb);
                psnr += p;
                ssim += s;
                psnrRgb += rgb;
                if (p > lanczosScores[f][i].Psnr) better++;
                perFrame.Add(new UpscaleFrameScore(originals[i].Name, model.Name, f, p, s));
                if (i == 0 && model == models[0] && options.CropPath is { } crop)
                    cropPath = SideBySideCrop.Write(crop, original, lanczos, enlarged.Pixels);
                progress?.Report(new PipelineProgress("eval", ++done, total, $"{model.Name} {originals[i].Name}"));
            }
            var n = originals.Count;
            methods.Add(new UpscaleMethodScore(model.Name, f, n, psnr / n, ssim / n, psnrRgb / n, better, time.TotalMilliseconds / megapixels));
        }
        var shrinkText = FormattableString.Invariant($"bicubic a = {options.ShrinkCubic}, {(options.ShrinkAntialias ? "antialiased" : "not antialiased")}");
        var size = string.Join(", ", originals.Select(o => $"{o.Image.Width}×{o.Image.Height}").Distinct());
        return new UpscaleScores(methods, perFrame, options.Border, shrinkText, size) { CropPath = cropPath };
    }

    private static (double Psnr, double Ssim) Score(RgbImage original, ReadOnlySpan<byte> enlarged, int border, out double psnrRgb)
    {
        var a = LumaQuality.Luma(original.Pixels, original.Width, original.Height, border);
        var b = LumaQuality.Luma(enlarged, original.Width, original.Height, border);
        psnrRgb = LumaQuality.RgbPsnr(original.Pixels, enlarged, original.Width, original.Height, border);
        return (LumaQuality.Psnr(a, b), LumaQuality.Ssim(a, b, original.Width - 2 * border, original.Height - 2 * border));
    }

    // The top-left part whose sides divide by the factor, as SR benchmarks crop their ground truth (modcrop).
    private static RgbImage CropToMultiple(RgbImage image, int factor)
    {
        int w = image.Width / factor * factor, h = image.Height / factor * factor;
        if (w == image.Width && h == image.Height) return image;
        var pixels = new byte[w * h * 3];
        for (var y = 0; y < h; y++) image.Pixels.AsSpan(y * image.Width * 3, w * 3).CopyTo(pixels.AsSpan(y * w * 3));
        return new RgbImage(w, h, pixels);
    }

    private static async Task<IReadOnlyList<(string, RgbImage)>> LoadAsync(string path, int count, CancellationToken ct)
    {
        var info = await MediaProbe.ProbeAsync(path, ct).ConfigureAwait(false);
        var name = Path.GetFileName(path);
        if (info.IsStillImage) return [(name, RgbImage.Load(path, "input"))];
        // Frames spread evenly: the middle of each of `count` equal stretches of the clip.
        var wanted = Enumerable.Range(0, count).Select(i => (int)((i + 0.5) * Math.Max(1, info.FrameCount) / count)).ToHashSet();
        var frames = new List<(string, RgbImage)>();
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var buffer = new byte[reader.FrameSizeBytes];
        for (var index = 0; frames.Count < wanted.Count && await reader.ReadFrameAsync(buffer, ct).ConfigureAwait(false); index++)
            if (wanted.Contains(index)) frames.Add(($"{name}#{index}", new RgbImage(reader.Width, reader.Height, buffer.ToArray())));
        if (frames.Count == 0) throw new SynthstageException($"input '{path}' has no decodable video frames", ExitCodes.BadInput);
        return frames;
    }
}
