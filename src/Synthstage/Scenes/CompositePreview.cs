using System.Diagnostics;
using System.Globalization;
using Synthstage.Compositing;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Imaging;
using Synthstage.Media;
using Synthstage.Provenance;
using Synthstage.Video;

namespace Synthstage.Scenes;

/// <summary>
/// Composites one frame of the footage (by default the middle one) and writes it as a PNG, through the same stages a
/// full render runs (segment, finish, stamp) with the same background and look — so a prompt can be tried in seconds.
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
    /// <exception cref="SynthstageException">Not a .png output, a bad setting, motion asked of a colour or blurred background, or a frame past the end.</exception>
    public static async Task<RenderResult> RenderAsync(string inputPath, string outputPng, BackgroundSpec background, PlateMotion motion,
        KeyingOptions options, CompositeLook look, int? frameIndex, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(look);
        CheckArguments(outputPng, frameIndex);
        var moved = MovingImageBackground.Over(background, motion);
        options.Validate();
        look.Validate();
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        return await RenderAsync(inputPath, info, outputPng, moved, options, look, frameIndex, [], [], CompositeJob.Record(moved), progress, ct).ConfigureAwait(false);
    }

    /// <summary>Throws unless <paramref name="outputPng"/> is a .png path and <paramref name="frameIndex"/> is null or not negative.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>.</exception>
    internal static void CheckArguments(string outputPng, int? frameIndex)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPng);
        if (!string.Equals(Path.GetExtension(outputPng), ".png", StringComparison.OrdinalIgnoreCase))
            throw new SynthstageException($"--preview writes one PNG still; give an output ending in .png (got '{outputPng}')", ExitCodes.Usage);
        if (frameIndex < 0) throw new SynthstageException($"--preview-frame must be 0 or more (got {frameIndex})", ExitCodes.Usage);
    }

    /// <summary>Writes the composite of frame <paramref name="frameIndex"/> to <paramref name="outputPng"/>; arguments, options and look are checked.</summary>
    /// <param name="inputPath">The footage.</param>
    /// <param name="info">Its probe.</param>
    /// <param name="outputPng">A .png path.</param>
    /// <param name="background">What goes behind the subject.</param>
    /// <param name="options">Segmentation model and matte settings (encoder settings are ignored).</param>
    /// <param name="look">Harmonisation and light wrap.</param>
    /// <param name="frameIndex">Zero-based frame; null for the middle of the clip.</param>
    /// <param name="pngText">Text chunks for the PNG (for example the prompt and seed).</param>
    /// <param name="jobSettings">Settings of the calling job beyond background and look, for the manifest.</param>
    /// <param name="record">The job's manifest record.</param>
    /// <param name="progress">Model install progress.</param>
    /// <param name="ct">Cancels decoding.</param>
    /// <exception cref="SynthstageException">The frame is past the end of the clip.</exception>
    internal static async Task<RenderResult> RenderAsync(string inputPath, VideoInfo info, string outputPng, IBackgroundFactory background,
        KeyingOptions options, CompositeLook look, int? frameIndex, IReadOnlyList<KeyValuePair<string, string>> pngText,
        IEnumerable<ISettingsDescription> jobSettings, ProvenanceRecord record, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var settings = SettingsWriter.Collect([options, background, look, .. jobSettings]);
        var index = frameIndex ?? Math.Max(0, (info.FrameCount - 1) / 2);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        int width = reader.Width, height = reader.Height;
        using var stages = await KeyedFrameStages.CreateAsync(options.AtFrameRate(info.FrameRate), width, height,
            CompositeJob.Finisher(background, look, info.FrameCount), OutputStamp.Create(options.Provenance, width, height, 3), progress, ct)
            .ConfigureAwait(false);
        var work = stages.CreateWork(reader.FrameSizeBytes);
        for (var i = 0; i <= index; i++)
        {
            if (!await reader.ReadFrameAsync(work.Input, ct).ConfigureAwait(false))
                throw new SynthstageException($"--preview-frame {index} is past the end: '{Path.GetFileName(inputPath)}' has {i} frames (0 to {i - 1})", ExitCodes.Usage);
            // Every earlier frame goes through the matte stages too, so temporal smoothing and pose tracking carry the
            // same history as in the full render and the preview equals its frame.
            if (i < index) stages.WarmUp(work, i);
        }
        work.Index = index;
        // The render releases this frame's matte only once the look-ahead frames after it are in: so does the preview.
        stages.AcceptFrame(work);
        var ahead = new byte[reader.FrameSizeBytes];
        for (var i = 1; i <= stages.Matte.LookAhead && await reader.ReadFrameAsync(ahead, ct).ConfigureAwait(false); i++)
            stages.Matte.Accept(ahead, index + i);
        stages.ReleaseMatte(work);
        stages.Finish(work);
        // The still is an output like any other: watermarked, labelled and given a signed manifest.
        stages.StampFrame(work);
        var pixels = work.Output.AsSpan(0, width * height * 3).ToArray();
        new GeneratedImage(new RgbImage(width, height, pixels), 0, [.. pngText, new("frame", index.ToString(CultureInfo.InvariantCulture))]).SavePng(outputPng);
        KeyingProvenance.Describe(record, inputPath, settings, options.Model, options.Store, width, height);
        await ProvenanceWriter.WriteAsync(outputPng, stages.Stamp, record, ct).ConfigureAwait(false);
        var empty = stages.EmptyMattes;
        return new RenderResult(Path.GetFullPath(outputPng), 1, clock.Elapsed, EmptyMatte.AddWarning(null, empty, 1)) { EmptyMatteFrames = empty };
    }
}
