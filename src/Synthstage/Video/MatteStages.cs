using Synthstage.Compositing;
using Synthstage.Segmentation;
using Synthstage.Selection;

namespace Synthstage.Video;

/// <summary>
/// Everything between a decoded frame and its full-resolution alpha: the segmenter, temporal smoothing of its
/// probabilities (one-sided, or centred with a few frames of look-ahead: <see cref="Accept(ReadOnlySpan{byte})"/> runs ahead of
/// <see cref="Release"/>), threshold/softness shaping at mask resolution, and enlargement to the frame (guided filter and
/// feather, or bilinear), confined to the selected subjects when points are given. <see cref="SegmentAndShape(ReadOnlySpan{byte}, Span{float})"/> and <see cref="Enlarge"/> share no state, so a pipeline runs
/// them on different threads.
/// </summary>
public sealed class MatteStages : IDisposable
{
    private readonly IPersonSegmenter _segmenter;
    private readonly TemporalMaskSmoother _smoother;
    private readonly CentredMaskSmoother? _centred;
    private readonly float[] _raw;
    private bool _rawPending;
    private readonly MatteShaper _shaper;
    private readonly SubjectSelector? _selector;
    private int _nextFrame;

    private MatteStages(IPersonSegmenter segmenter, MatteOptions matte, int width, int height, SubjectSelector? selector = null)
    {
        _segmenter = segmenter;
        _selector = selector;
        FrameWidth = width;
        FrameHeight = height;
        _smoother = new TemporalMaskSmoother(segmenter.MaskWidth * segmenter.MaskHeight, matte.Smoothing);
        _raw = new float[segmenter.MaskWidth * segmenter.MaskHeight];
        if (matte.LookAhead > 0) _centred = new CentredMaskSmoother(_raw.Length, matte.LookAhead, matte.Smoothing);
        _shaper = new MatteShaper(matte, segmenter.MaskWidth, segmenter.MaskHeight, width, height);
        Enlarger = MatteEnlargers.Create(matte, segmenter.MaskWidth, segmenter.MaskHeight, width, height);
    }

    /// <summary>Loads the model named in <paramref name="options"/> (installing it on first use) for frames of width×height.</summary>
    /// <exception cref="SynthstageException">Bad matte options, or a missing, corrupt or unrecognised model.</exception>
    public static Task<MatteStages> CreateAsync(KeyingOptions options, int width, int height,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return LoadAsync(options, width, height, progress, ct);
    }

    /// <summary>As <see cref="CreateAsync"/> for options the caller has validated already (a render checks them once, at its start).</summary>
    internal static async Task<MatteStages> LoadAsync(KeyingOptions options, int width, int height,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (!options.Selection.IsEmpty) return await LoadSelectingAsync(options, width, height, progress, ct).ConfigureAwait(false);
        var segmenter = await SegmentationModelResolver.CreateAsync(options.Model, width, height, options.Store,
            options.Session, progress, ct, options.PoseTracking).ConfigureAwait(false);
        try
        {
            return new MatteStages(segmenter, options.Matte, width, height);
        }
        catch
        {
            segmenter.Dispose();
            throw;
        }
    }

    /// <summary>
    /// With points: a multi-person tracker selects the subjects. A pose model's matte is the selected people's own
    /// segmentation (the tracker runs the model, once per person); any other model is loaded as usual and its matte
    /// confined to them.
    /// </summary>
    private static async Task<MatteStages> LoadSelectingAsync(KeyingOptions options, int width, int height,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var selector = await SubjectSelector.CreateAsync(options.Selection, options.Model, options.Store, options.Session,
            options.PoseTracking, progress, ct).ConfigureAwait(false);
        IPersonSegmenter? segmenter = null;
        try
        {
            segmenter = Pose.PoseSegmenter.ModelNames.ContainsKey(options.Model)
                ? new SelectedPeopleSegmenter(selector, width, height)
                : await SegmentationModelResolver.CreateAsync(options.Model, width, height, options.Store,
                    options.Session, progress, ct, options.PoseTracking).ConfigureAwait(false);
            return new MatteStages(segmenter, options.Matte, width, height, selector);
        }
        catch
        {
            segmenter?.Dispose();
            selector.Dispose();
            throw;
        }
    }

    /// <summary>Frame width.</summary>
    public int FrameWidth { get; }

    /// <summary>Frame height.</summary>
    public int FrameHeight { get; }

    /// <summary>Width of the low-resolution matte.</summary>
    public int MaskWidth => _segmenter.MaskWidth;

    /// <summary>Height of the low-resolution matte.</summary>
    public int MaskHeight => _segmenter.MaskHeight;

    /// <summary>The network behind the matte; a <see cref="Pose.PoseSegmenter"/> also holds the frame's landmarks.</summary>
    public IPersonSegmenter Segmenter => _segmenter;

    /// <summary>The enlargement in use (for finishers that take it).</summary>
    public IMatteEnlarger Enlarger { get; }

    /// <summary>The subject selection in use (points given), or null.</summary>
    public SubjectSelector? Selector => _selector;

    /// <summary>
    /// Frames the smoothing looks ahead (<see cref="MatteOptions.LookAhead"/>): a stream <see cref="Accept(ReadOnlySpan{byte})"/>s this many
    /// frames beyond the one it <see cref="Release"/>s.
    /// </summary>
    public int LookAhead => _centred?.LookAhead ?? 0;

    /// <summary>True when the oldest accepted frame can be released with its whole look-ahead.</summary>
    public bool Ready => _centred?.Ready ?? _rawPending;

    /// <summary>Segments a packed RGB24 frame and shapes its matte into <paramref name="mask"/>, smoothed against the frames before it only.</summary>
    public void SegmentAndShape(ReadOnlySpan<byte> frame, Span<float> mask) => SegmentAndShape(frame, mask, _nextFrame);

    /// <summary>As <see cref="SegmentAndShape(ReadOnlySpan{byte}, Span{float})"/> for frame <paramref name="frameIndex"/> of the input (the subject points are given by frame).</summary>
    public void SegmentAndShape(ReadOnlySpan<byte> frame, Span<float> mask, int frameIndex)
    {
        Accept(frame, frameIndex);
        Release(mask);
    }

    /// <summary>Segments the next packed RGB24 frame of a stream; its matte comes out of <see cref="Release"/> once <see cref="LookAhead"/> more frames are in (or the stream ends).</summary>
    public void Accept(ReadOnlySpan<byte> frame) => Accept(frame, _nextFrame);

    /// <summary>As <see cref="Accept(ReadOnlySpan{byte})"/> for frame <paramref name="frameIndex"/> of the input (the subject points are given by frame).</summary>
    public void Accept(ReadOnlySpan<byte> frame, int frameIndex)
    {
        if (_centred is null && _rawPending) throw new InvalidOperationException("release the previous frame's matte first");
        _nextFrame = frameIndex + 1;
        _selector?.Track(frame, FrameWidth, FrameHeight, frameIndex);
        _segmenter.Segment(frame, FrameWidth, FrameHeight, 3, _raw);
        _selector?.Restrict(frame, _raw, MaskWidth, MaskHeight, _segmenter is SelectedPeopleSegmenter);
        if (_centred is null) _rawPending = true;
        else _centred.Accept(_raw);
    }

    /// <summary>Writes the smoothed, shaped matte of the oldest accepted frame not yet released into <paramref name="mask"/>.</summary>
    public void Release(Span<float> mask)
    {
        var values = mask[..(MaskWidth * MaskHeight)];
        if (_centred is not null) _centred.Release(values);
        else
        {
            if (!_rawPending) throw new InvalidOperationException("no frame is pending");
            _raw.CopyTo(values);
            _rawPending = false;
            _smoother.Smooth(values);
        }
        _shaper.Apply(values);
    }

    /// <summary>Enlarges a shaped matte to the frame's alpha (one byte per pixel).</summary>
    public void Enlarge(ReadOnlySpan<byte> frame, ReadOnlySpan<float> mask, Span<byte> alpha) => Enlarger.Enlarge(frame, mask, alpha);

    /// <summary>Forgets everything carried from earlier frames (smoothing history, recurrent model state): call between unrelated frames.</summary>
    public void Reset()
    {
        _smoother.Reset();
        _centred?.Reset();
        _rawPending = false;
        _segmenter.Reset();
        _selector?.Restart();
        _nextFrame = 0;
    }

    /// <summary>
    /// Keys <paramref name="selection"/>'s points from now on, with the models already loaded, and forgets earlier
    /// frames (<see cref="Reset"/>): for stages made with points (<see cref="Selector"/> set).
    /// </summary>
    /// <exception cref="InvalidOperationException">The stages were made without points, or <paramref name="selection"/> has none.</exception>
    public void Reselect(Selection.SubjectSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (_selector is null || selection.IsEmpty) throw new InvalidOperationException("only stages made with points select: create them with a selection");
        _selector.Reselect(selection);
        Reset();
    }

    /// <summary>Releases the model and buffers.</summary>
    public void Dispose()
    {
        Enlarger.Dispose();
        _shaper.Dispose();
        _segmenter.Dispose();
        _selector?.Dispose();
    }
}
