using System.Diagnostics;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Video;

namespace Synthstage.Studio;

/// <summary>
/// The matte of single frames for the clip page, through the render's own <see cref="MatteStages"/> (same model, same
/// shaping), up to the model's mask: the page enlarges it, so a click costs one inference once the frame is decoded (the
/// scrubber's decode is reused) and the model is loaded (it stays open between clicks, and <see cref="WarmAsync"/> loads
/// it before the first). Each frame is matted on its own (history reset), as a click can land anywhere.
/// </summary>
public sealed class FrameMatteService(ModelStore store) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Model, int Width, int Height, MatteStages Stages)? _loaded;

    /// <summary>The matte of frame <paramref name="index"/> of <paramref name="info"/>'s clip with <paramref name="model"/>.</summary>
    /// <exception cref="SynthstageException">A bad frame, or a missing or unusable model.</exception>
    public async Task<FrameMatte> MatteAsync(VideoInfo info, int index, string model, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(info);
        var clock = Stopwatch.StartNew();
        var frame = await ClipFrames.ReadCachedAsync(info, index, ct).ConfigureAwait(false);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var stages = await StagesAsync(model, frame.Width, frame.Height, info.FrameRate, progress, ct).ConfigureAwait(false);
            stages.Reset();
            var mask = new float[stages.MaskWidth * stages.MaskHeight];
            stages.SegmentAndShape(frame.Pixels, mask);
            // A tracking model (BlazePose) finds the person on its first frame and segments from the second: the same frame again.
            if (!mask.AsSpan().ContainsAnyExcept(0f)) stages.SegmentAndShape(frame.Pixels, mask);
            return new FrameMatte(frame.Width, frame.Height, stages.MaskWidth, stages.MaskHeight, FrameMatte.Quantise(mask), model, clock.Elapsed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Loads <paramref name="model"/> for frames of <paramref name="info"/>'s size, so the first click costs no model load.</summary>
    /// <exception cref="SynthstageException">A missing or unusable model.</exception>
    public async Task WarmAsync(VideoInfo info, string model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(info);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await StagesAsync(model, info.DisplayWidth, info.DisplayHeight, info.FrameRate, null, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<MatteStages> StagesAsync(string model, int width, int height, double fps, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (_loaded is { } loaded && loaded.Model == model && loaded.Width == width && loaded.Height == height) return loaded.Stages;
        _loaded?.Stages.Dispose();
        _loaded = null;
        var options = new KeyingOptions { Model = model, Store = store }.AtFrameRate(fps);
        var stages = await MatteStages.CreateAsync(options, width, height, progress, ct).ConfigureAwait(false);
        _loaded = (model, width, height, stages);
        return stages;
    }

    /// <summary>Releases the model.</summary>
    public void Dispose()
    {
        _loaded?.Stages.Dispose();
        _loaded = null;
        _gate.Dispose();
    }
}
