using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Segmentation;
using Synthstage.Video;

namespace Synthstage.Pose;

/// <summary>
/// Person masks from BlazePose GHUM (<c>pose-lite</c>, <c>pose-full</c>, <c>pose-heavy</c>): a <see cref="PoseTracker"/>
/// finds and follows the person, and its 256×256 segmentation of the rotated crop is mapped back onto a mask that
/// covers the whole frame with the frame's aspect ratio (<see cref="MaskLongSide"/> pixels on the long side). Whole
/// bodies, legs and feet included, at any distance from the camera; one person (the largest detection).
/// </summary>
public sealed class PoseSegmenter : IPersonSegmenter
{
    /// <summary>Mask pixels along the frame's longer side.</summary>
    public const int MaskLongSide = 256;

    /// <summary>The <c>--model</c> names and the landmark variant each selects.</summary>
    public static readonly IReadOnlyDictionary<string, string> ModelNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["pose-lite"] = "lite",
        ["pose-full"] = "full",
        ["pose-heavy"] = "heavy",
    };

    private readonly PoseTracker _tracker;

    /// <summary>Segments <paramref name="frameWidth"/>×<paramref name="frameHeight"/> frames with <paramref name="tracker"/> (owned).</summary>
    public PoseSegmenter(PoseTracker tracker, int frameWidth, int frameHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameHeight, 1);
        _tracker = tracker;
        var scale = (double)MaskLongSide / Math.Max(frameWidth, frameHeight);
        MaskWidth = Math.Max(1, (int)Math.Round(frameWidth * scale));
        MaskHeight = Math.Max(1, (int)Math.Round(frameHeight * scale));
    }

    /// <summary>
    /// Installs the models on first use and loads the segmenter for <paramref name="modelName"/> (pose-lite|pose-full|pose-heavy);
    /// <paramref name="tracking"/> null means landmark smoothing on at the default frame rate.
    /// </summary>
    public static async Task<PoseSegmenter> CreateAsync(string modelName, int frameWidth, int frameHeight, ModelStore store,
        SessionOptionsSpec session, IProgress<PipelineProgress>? progress, CancellationToken ct, PoseTrackerOptions? tracking = null)
    {
        var tracker = await CreateTrackerAsync(modelName, store, session, PersonChoice.Largest, progress, ct, tracking).ConfigureAwait(false);
        return new PoseSegmenter(tracker, frameWidth, frameHeight);
    }

    /// <summary>Installs the models on first use and loads a tracker for <paramref name="modelName"/> (pose-lite|pose-full|pose-heavy).</summary>
    /// <exception cref="SynthstageException">Unknown name (Usage), or the models cannot be installed or loaded.</exception>
    public static async Task<PoseTracker> CreateTrackerAsync(string modelName, ModelStore store, SessionOptionsSpec session, PersonChoice person,
        IProgress<PipelineProgress>? progress, CancellationToken ct, PoseTrackerOptions? tracking = null)
    {
        if (!ModelNames.TryGetValue(modelName, out var variant))
            throw new SynthstageException($"unknown pose model '{modelName}'; use {string.Join(", ", ModelNames.Keys)}", ExitCodes.Usage);
        var (detectorPath, landmarkPath) = await PoseModelInstaller.EnsureInstalledAsync(store, variant, progress, ct).ConfigureAwait(false);
        var detector = PoseDetector.Create(detectorPath, session);
        try
        {
            return new PoseTracker(detector, PoseLandmarkModel.Create(landmarkPath, session), person, ownsModels: true, tracking);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>The tracker behind the masks (landmarks, score, region of the last frame).</summary>
    public PoseTracker Tracker => _tracker;

    /// <inheritdoc/>
    public int MaskWidth { get; }

    /// <inheritdoc/>
    public int MaskHeight { get; }

    /// <inheritdoc/>
    public void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask)
    {
        _tracker.Process(frame, width, height, channels);
        _tracker.WriteMask(mask, MaskWidth, MaskHeight);
    }

    /// <summary>Forgets the tracked person and the landmark filters' history: the next frame runs the detector.</summary>
    public void Reset() => _tracker.Reset();

    /// <summary>Releases the tracker and its models.</summary>
    public void Dispose() => _tracker.Dispose();
}
