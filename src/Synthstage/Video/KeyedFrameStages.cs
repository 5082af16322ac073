using Synthstage.Compositing;
using Synthstage.Pipeline;
using Synthstage.Provenance;

namespace Synthstage.Video;

/// <summary>
/// The per-frame work of every keyed output, shared by the render loop and the one-frame preview so they cannot drift:
/// <see cref="SegmentStage"/> (segment, smooth and shape the matte, counting empty mattes), <see cref="FinishStage"/>
/// (enlarge the matte and finish the frame) and <see cref="StampStage"/> (watermark and label).
/// </summary>
internal sealed class KeyedFrameStages : IDisposable
{
    /// <summary>Pipeline name of the segmentation stage.</summary>
    public const string SegmentStage = "segment";

    /// <summary>Pipeline name of the finishing stage.</summary>
    public const string FinishStage = "finish";

    /// <summary>Pipeline name of the provenance stage.</summary>
    public const string StampStage = "stamp";

    /// <summary>Makes the frame finisher once the frame size and the matte stages are known.</summary>
    public delegate IFrameFinisher FinisherFactory(int width, int height, MatteStages stages);

    private readonly int _maskValues;
    private readonly IProgress<PipelineProgress>? _progress;
    private int _emptyMattes;

    private KeyedFrameStages(MatteStages matte, IFrameFinisher finisher, OutputStamp stamp, IProgress<PipelineProgress>? progress)
    {
        Matte = matte;
        Finisher = finisher;
        Stamp = stamp;
        _progress = progress;
        _maskValues = matte.MaskWidth * matte.MaskHeight;
        Jumps = new MatteJumpWatch(matte.FrameWidth, matte.FrameHeight, matte.MaskWidth, matte.MaskHeight);
    }

    /// <summary>Where the matte collapsed or jumped without picture motion (read once the frames are through).</summary>
    public MatteJumpWatch Jumps { get; }

    /// <summary>Segmenter, smoothing, shaping and enlargement.</summary>
    public MatteStages Matte { get; }

    /// <summary>What turns frame and matte into the output frame.</summary>
    public IFrameFinisher Finisher { get; }

    /// <summary>The output's provenance marks (its content id goes into the manifest).</summary>
    public OutputStamp Stamp { get; }

    /// <summary>Frames so far whose shaped matte was empty (<see cref="EmptyMatte"/>).</summary>
    public int EmptyMattes => Volatile.Read(ref _emptyMattes);

    /// <summary>Loads the model and prepares the finisher for frames of width×height.</summary>
    /// <param name="options">Validated keying options at the footage's frame rate.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="createFinisher">Makes the finisher.</param>
    /// <param name="stamp">The output's provenance marks, made for frames of this size.</param>
    /// <param name="progress">Model install progress, and a warning as soon as the matte jumps.</param>
    /// <param name="ct">Cancels the install.</param>
    public static async Task<KeyedFrameStages> CreateAsync(KeyingOptions options, int width, int height, FinisherFactory createFinisher,
        OutputStamp stamp, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var matte = await MatteStages.LoadAsync(options, width, height, progress, ct).ConfigureAwait(false);
        try
        {
            return new KeyedFrameStages(matte, createFinisher(width, height, matte), stamp, progress);
        }
        catch
        {
            matte.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Segments, smooths and shapes the matte of <c>work.Input</c> into <c>work.Mask</c>, counting it when empty and
    /// reporting at once when it jumps without picture motion.
    /// </summary>
    public void Segment(FrameWork work)
    {
        Matte.SegmentAndShape(work.Input, work.Mask, work.Index);
        Watch(work);
    }

    /// <summary>Segments <c>work.Input</c>; its matte is released <see cref="MatteStages.LookAhead"/> frames later by <see cref="ReleaseMatte"/>.</summary>
    public void AcceptFrame(FrameWork work) => Matte.Accept(work.Input, work.Index);

    /// <summary>Writes the smoothed, shaped matte of <c>work</c> (the oldest accepted frame) into <c>work.Mask</c>, counting and watching it.</summary>
    public void ReleaseMatte(FrameWork work)
    {
        Matte.Release(work.Mask);
        Watch(work);
    }

    private void Watch(FrameWork work)
    {
        var mask = work.Mask.AsSpan(0, _maskValues);
        if (EmptyMatte.IsEmpty(mask)) Interlocked.Increment(ref _emptyMattes);
        if (Jumps.Next(work.Index, work.Input, 3, mask))
            _progress?.Report(new PipelineProgress("warning", Jumps.Jumps.Count, null,
                $"matte jumped at frame {Jumps.Jumps[^1]} where the picture did not move"));
    }

    /// <summary>
    /// Runs a frame whose output is not wanted through the matte stages only (not counted), so temporal smoothing and
    /// tracking carry the history they would have had.
    /// </summary>
    public void WarmUp(FrameWork work, int frameIndex) => Matte.SegmentAndShape(work.Input, work.Mask, frameIndex);

    /// <summary>Enlarges the matte and writes the finished frame to <c>work.Output</c>.</summary>
    public void Finish(FrameWork work) => Finisher.Finish(work);

    /// <summary>Marks <c>work.Output</c> in place.</summary>
    public void StampFrame(FrameWork work) => Stamp.Apply(work.Output);

    /// <summary>A buffer set for one frame outside a pipeline (the preview, the warm-up).</summary>
    public FrameWork CreateWork(int frameBytes) => new(frameBytes, _maskValues, Finisher.OutputBytes);

    /// <summary>The three stages on a pipeline as deep as memory allows, its first frame numbered <paramref name="startIndex"/>.</summary>
    /// <remarks>With look-ahead the segment stage holds that many frames before it releases their mattes.</remarks>
    public FramePipeline CreatePipeline(int frameBytes, int startIndex)
    {
        var pipeline = new FramePipeline(frameBytes, _maskValues, Finisher.OutputBytes, PipelineDepth(frameBytes + Finisher.OutputBytes)) { StartIndex = startIndex };
        return (Matte.LookAhead > 0 ? pipeline.AddDelayedStage(SegmentStage, Matte.LookAhead, AcceptFrame, ReleaseMatte) : pipeline.AddStage(SegmentStage, Segment))
            .AddStage(FinishStage, Finish)
            .AddStage(StampStage, StampFrame);
    }

    /// <summary>Frames in flight: six for ordinary sizes, fewer for huge frames so buffers stay near 256 MB.</summary>
    public static int PipelineDepth(long bytesPerFrame) => (int)Math.Clamp(256L * 1024 * 1024 / Math.Max(1, bytesPerFrame), 2, 6);

    /// <summary>Releases the finisher and the model.</summary>
    public void Dispose()
    {
        Finisher.Dispose();
        Matte.Dispose();
    }
}
