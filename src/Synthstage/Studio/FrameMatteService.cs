using System.Diagnostics;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Pose;
using Synthstage.Selection;
using Synthstage.Video;

namespace Synthstage.Studio;

/// <summary>
/// The matte of single frames for the clip page, through the render's own <see cref="MatteStages"/> (same model, same
/// shaping, same subject selection), up to the model's mask: the page enlarges it, so a click costs one inference once
/// the frame is decoded (the scrubber's decode is reused) and the models are loaded (they stay open between clicks, and
/// <see cref="WarmAsync"/> loads them before the first). Each frame is matted on its own (history reset), as a click can
/// land anywhere.
/// </summary>
public sealed class FrameMatteService(ModelStore store) : IDisposable
{
    // Stands in for the points until the first click: selecting stages are made with a selection, and each click replaces it.
    private static readonly SubjectSelection Placeholder = new() { Points = [new Selection.SubjectPoint(0, 0, 0, SubjectPointKind.Subject)] };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Loaded? _plain;
    private Loaded? _selecting;

    private sealed record Loaded(string Model, int Width, int Height, MatteStages Stages);

    /// <summary>
    /// The matte of frame <paramref name="index"/> of <paramref name="info"/>'s clip with <paramref name="model"/>: with
    /// points on that frame, the subject they select, as the render keys it on that frame (see <see cref="FrameMatte.Selection"/>);
    /// points on other frames are not followed to it.
    /// </summary>
    /// <exception cref="SynthstageException">A bad frame, or a missing or unusable model.</exception>
    public async Task<FrameMatte> MatteAsync(VideoInfo info, int index, string model, IReadOnlyList<SubjectPoint> points,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(points);
        var clock = Stopwatch.StartNew();
        var frame = await ClipFrames.ReadCachedAsync(info, index, ct).ConfigureAwait(false);
        var here = points.Where(p => p.Frame == index).ToList();
        var elsewhere = points.Count - here.Count;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            string? note = null;
            if (here.Count > 0)
            {
                var selecting = await StagesAsync(model, frame.Width, frame.Height, info.FrameRate, selecting: true, progress, ct).ConfigureAwait(false);
                var selection = SubjectPoint.ToSelection(here, frame.Width, frame.Height);
                selecting.Reselect(selection);
                var selected = new float[selecting.MaskWidth * selecting.MaskHeight];
                try
                {
                    // One pass: the selection's tracker restarts on every frame it did not see the frame before of.
                    selecting.SegmentAndShape(frame.Pixels, selected, index);
                    return new FrameMatte(frame.Width, frame.Height, selecting.MaskWidth, selecting.MaskHeight, FrameMatte.Quantise(selected), model, clock.Elapsed)
                    {
                        Selection = FrameMatteSelection.Points,
                        Note = elsewhere > 0 ? $"the points of frame {index} only ({elsewhere} on other frames not followed here)" : null,
                    };
                }
                catch (SynthstageException e) when (e.ExitCode == ExitCodes.Usage)
                {
                    // The render would stop with this message: show it with the model's own matte.
                    note = e.Message;
                }
            }
            else if (elsewhere > 0) note = $"no points on frame {index}: the model's own matte (points on other frames are not followed here)";
            var stages = await StagesAsync(model, frame.Width, frame.Height, info.FrameRate, selecting: false, progress, ct).ConfigureAwait(false);
            stages.Reset();
            var mask = new float[stages.MaskWidth * stages.MaskHeight];
            stages.SegmentAndShape(frame.Pixels, mask);
            // BlazePose finds the person in a first crop (detection, or the upright search crops when no face is in
            // shot); the same frame again is segmented in the crop its landmarks place, as a render's next frame is.
            // On coffee.mp4 frame 60 the chest goes from 0.03 to 0.93 by the second pass.
            if (stages.Segmenter is PoseSegmenter) stages.SegmentAndShape(frame.Pixels, mask);
            return new FrameMatte(frame.Width, frame.Height, stages.MaskWidth, stages.MaskHeight, FrameMatte.Quantise(mask), model, clock.Elapsed)
            {
                Selection = here.Count > 0 ? FrameMatteSelection.Failed : FrameMatteSelection.Model,
                Note = note,
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Loads <paramref name="model"/> for frames of <paramref name="info"/>'s size, with and without points, so the first click costs no model load.</summary>
    /// <exception cref="SynthstageException">A missing or unusable model.</exception>
    public async Task WarmAsync(VideoInfo info, string model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(info);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // One run of each on a black frame too: a session's first inference allocates (pose-full's first click took
            // 1.1 s against 150 ms for the next ones).
            var black = new byte[info.DisplayWidth * info.DisplayHeight * 3];
            foreach (var selecting in new[] { false, true })
            {
                var stages = await StagesAsync(model, info.DisplayWidth, info.DisplayHeight, info.FrameRate, selecting, null, ct).ConfigureAwait(false);
                stages.Reset();
                try
                {
                    stages.SegmentAndShape(black, new float[stages.MaskWidth * stages.MaskHeight], 0);
                }
                catch (SynthstageException e) when (e.ExitCode == ExitCodes.Usage)
                {
                    // The placeholder point is on nobody in a black frame: the models ran, which is all a warm-up needs.
                }
                stages.Reset();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<MatteStages> StagesAsync(string model, int width, int height, double fps, bool selecting,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var loaded = selecting ? _selecting : _plain;
        if (loaded is not null && loaded.Model == model && loaded.Width == width && loaded.Height == height) return loaded.Stages;
        loaded?.Stages.Dispose();
        if (selecting) _selecting = null;
        else _plain = null;
        var options = new KeyingOptions { Model = model, Store = store, Selection = selecting ? Placeholder : new SubjectSelection() }.AtFrameRate(fps);
        var stages = await MatteStages.CreateAsync(options, width, height, progress, ct).ConfigureAwait(false);
        // A single frame has no earlier frames to have found the person in: look for a body whose face is out of shot.
        if (stages.Segmenter is PoseSegmenter pose) pose.Tracker.SearchWithoutDetection = true;
        loaded = new Loaded(model, width, height, stages);
        if (selecting) _selecting = loaded;
        else _plain = loaded;
        return stages;
    }

    /// <summary>Releases the models.</summary>
    public void Dispose()
    {
        _plain?.Stages.Dispose();
        _selecting?.Stages.Dispose();
        (_plain, _selecting) = (null, null);
        _gate.Dispose();
    }
}
