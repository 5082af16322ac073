using Synthstage.Imaging;
using Synthstage.Pipeline;
using System.Diagnostics;
using Synthstage.Compositing;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Media;
using Synthstage.Provenance;
using Synthstage.Segmentation;
using Synthstage.Video;

namespace Synthstage.Scenes;

/// <summary>
/// Composites one frame of the footage (by default the middle one) and writes it as a PNG, with the same segmenter,
/// matte shaping, background and look a full render would use — so a prompt can be tried in seconds.
/// </summary>
public static class CompositePreview
{
    /// <summary>Writes the composite of one frame over a colour, image (optionally moving) or blurred background.</summary>
    /// <param name="inputPath">The footage.</param>
    /// <param name="outputPng">A .png path.</param>
    /// <param name="background">The background.</param>
    /// <param name="motion">Camera move over an image background (the frame's place in the move is shown).</param>
    /// <param name="options">Segmentation model and matte settings.</param>
    /// <param name="look">Harmonisation and light wrap.</param>
    /// <param name="frameIndex">Zero-based frame, or null for the middle.</param>
    /// <param name="progress">Model install progress.</param>
    /// <param name="ct">Cancels decoding.</param>
    /// <exception cref="SynthstageException">Motion asked of a colour or blurred background, or as the main overload.</exception>
    public static async Task<RenderResult> RenderAsync(string inputPath, string outputPng, BackgroundSpec background, PlateMotion motion,
        KeyingOptions options, CompositeLook look, int? frameIndex, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(motion);
        ArgumentNullException.ThrowIfNull(options);
        motion.Validate();
        options = options with { ProvenanceRecord = options.ProvenanceRecord ?? KeyingProvenance.ForComposite(background) };
        if (motion.IsStill)
            return await RenderAsync(inputPath, outputPng, (w, h) => CompositeJob.CreateBackground(background, w, h), options, look, frameIndex, [], progress, ct).ConfigureAwait(false);
        if (background is not BackgroundSpec.Image image)
            throw new SynthstageException("--background-motion pan|zoom needs an image background or --prompt", ExitCodes.Usage);
        var frames = (await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false)).FrameCount;
        return await RenderAsync(inputPath, outputPng, (w, h) => PlateBackground.Load(image.Path, motion, w, h, frames), options, look, frameIndex, [], progress, ct).ConfigureAwait(false);
    }

    /// <summary>Writes the composite of frame <paramref name="frameIndex"/> to <paramref name="outputPng"/>.</summary>
    /// <param name="inputPath">The footage.</param>
    /// <param name="outputPng">A .png path (written under a temporary name, then renamed).</param>
    /// <param name="createBackground">Makes the background for the frame size.</param>
    /// <param name="options">Segmentation model and matte settings (encoder settings are ignored).</param>
    /// <param name="look">Harmonisation and light wrap.</param>
    /// <param name="frameIndex">Zero-based frame; null for the middle of the clip.</param>
    /// <param name="pngText">Text chunks for the PNG (for example the prompt and seed).</param>
    /// <param name="progress">Model install progress.</param>
    /// <param name="ct">Cancels decoding.</param>
    /// <exception cref="SynthstageException">Not a .png output, or the frame is past the end of the clip.</exception>
    public static async Task<RenderResult> RenderAsync(string inputPath, string outputPng, Func<int, int, IBackgroundSource> createBackground,
        KeyingOptions options, CompositeLook look, int? frameIndex, IReadOnlyList<KeyValuePair<string, string>> pngText,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(createBackground);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(look);
        var clock = Stopwatch.StartNew();
        if (!string.Equals(Path.GetExtension(outputPng), ".png", StringComparison.OrdinalIgnoreCase))
            throw new SynthstageException($"--preview writes one PNG still; give an output ending in .png (got '{outputPng}')", ExitCodes.Usage);
        if (frameIndex < 0) throw new SynthstageException($"--preview-frame must be 0 or more (got {frameIndex})", ExitCodes.Usage);
        options.Matte.Validate();
        look.Validate();
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        var index = frameIndex ?? Math.Max(0, (info.FrameCount - 1) / 2);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        int width = reader.Width, height = reader.Height;
        using var stages = await MatteStages.CreateAsync(options.AtFrameRate(info.FrameRate), width, height, progress, ct).ConfigureAwait(false);
        using var finisher = new CompositeFinisher(createBackground(width, height), width, height, stages.Enlarger, stages.MaskWidth, stages.MaskHeight, look);
        var work = new FrameWork(reader.FrameSizeBytes, stages.MaskWidth * stages.MaskHeight, finisher.OutputBytes) { Index = index };
        for (var i = 0; i <= index; i++)
        {
            if (!await reader.ReadFrameAsync(work.Input, ct).ConfigureAwait(false))
                throw new SynthstageException($"--preview-frame {index} is past the end: '{Path.GetFileName(inputPath)}' has {i} frames (0 to {i - 1})", ExitCodes.Usage);
            // Every earlier frame goes through the matte stages too, so temporal smoothing and pose tracking carry the
            // same history as in the full render and the preview equals its frame.
            stages.SegmentAndShape(work.Input, work.Mask);
        }
        var empty = EmptyMatte.IsEmpty(work.Mask.AsSpan(0, stages.MaskWidth * stages.MaskHeight)) ? 1 : 0;
        finisher.Finish(work);
        var pixels = work.Output.AsSpan(0, width * height * 3).ToArray();
        // The still is an output like any other: watermarked, labelled and given a signed manifest.
        var stamp = OutputStamp.Create(options.Provenance, width, height, 3);
        stamp.Apply(pixels);
        new GeneratedImage(new RgbImage(width, height, pixels), 0, [.. pngText, new("frame", index.ToString(System.Globalization.CultureInfo.InvariantCulture))]).SavePng(outputPng);
        await ProvenanceWriter.WriteAsync(outputPng, stamp, KeyingProvenance.Describe(inputPath, options, width, height), ct).ConfigureAwait(false);
        return new RenderResult(Path.GetFullPath(outputPng), 1, clock.Elapsed, EmptyMatte.AddWarning(null, empty, 1)) { EmptyMatteFrames = empty };
    }
}
