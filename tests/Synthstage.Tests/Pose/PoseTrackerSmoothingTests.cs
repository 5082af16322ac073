using Synthstage.Media;
using Synthstage.Onnx;
using Synthstage.Pose;

namespace Synthstage.Tests.Pose;

/// <summary>Landmark smoothing (MediaPipe's One Euro filters) on real footage through the real models and ffmpeg.</summary>
public class PoseTrackerSmoothingTests
{
    /// <summary>Frame-to-frame movement of the crop (first differences) and its jitter (second differences), in crop sizes.</summary>
    private sealed class RegionSteadiness
    {
        private PoseRegion? _before;
        private PoseRegion? _last;
        private double _step, _jitter;
        private int _steps, _jitters;

        public double MeanStep => _step / _steps;
        public double MeanJitter => _jitter / _jitters;

        public void Add(PoseTracker tracker)
        {
            if (!tracker.Found)
            {
                (_before, _last) = (null, null);
                return;
            }
            var r = tracker.Region;
            if (_last is { } last)
            {
                _step += Math.Sqrt(Sq(r.CentreX - last.CentreX) + Sq(r.CentreY - last.CentreY)) / r.Size + Math.Abs(r.Size - last.Size) / r.Size;
                _steps++;
                if (_before is { } b)
                {
                    _jitter += Math.Sqrt(Sq(r.CentreX - 2 * last.CentreX + b.CentreX) + Sq(r.CentreY - 2 * last.CentreY + b.CentreY)) / r.Size +
                        Math.Abs(r.Size - 2 * last.Size + b.Size) / r.Size;
                    _jitters++;
                }
            }
            (_before, _last) = (_last, r);
        }

        private static double Sq(double x) => x * x;
    }

    /// <summary>Mean second difference of the landmarks, in frame widths.</summary>
    private sealed class LandmarkJitter
    {
        private readonly PoseLandmark[] _before = new PoseLandmark[PoseLandmark.Count];
        private readonly PoseLandmark[] _last = new PoseLandmark[PoseLandmark.Count];
        private int _history;
        private double _sum;
        private int _count;

        public double Mean => _sum / _count;

        public void Add(bool found, ReadOnlySpan<PoseLandmark> landmarks)
        {
            if (!found)
            {
                _history = 0;
                return;
            }
            if (_history >= 2)
                for (var i = 0; i < landmarks.Length; i++, _count++)
                    _sum += Math.Abs(landmarks[i].X - 2 * _last[i].X + _before[i].X) + Math.Abs(landmarks[i].Y - 2 * _last[i].Y + _before[i].Y);
            _last.CopyTo(_before, 0);
            landmarks.CopyTo(_last);
            _history++;
        }
    }

    private static async Task<PoseTracker> CreateAsync(bool smoothing, double frameRate) =>
        await PoseSegmenter.CreateTrackerAsync("pose-full", await TestModels.RequirePoseStoreAsync(), new SessionOptionsSpec(), PersonChoice.Largest, null,
            TestContext.Current.CancellationToken, new PoseTrackerOptions { CropSmoothing = smoothing, LandmarkSmoothing = smoothing, FrameRate = frameRate });

    [Fact]
    public async Task SmoothingSteadiesTheCropAndTheLandmarksOnJuggle()
    {
        SharedData.RequireFfmpeg();
        var ct = TestContext.Current.CancellationToken;
        var info = await MediaProbe.ProbeAsync(SharedData.Require("footage/juggle.mp4"), ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        using var raw = await CreateAsync(false, info.FrameRate);
        using var smooth = await CreateAsync(true, info.FrameRate);
        var (rawRegion, smoothRegion) = (new RegionSteadiness(), new RegionSteadiness());
        var (rawLandmarks, smoothLandmarks) = (new LandmarkJitter(), new LandmarkJitter());
        var frame = new byte[reader.FrameSizeBytes];
        var frames = 0;
        while (await reader.ReadFrameAsync(frame, ct))
        {
            raw.Process(frame, reader.Width, reader.Height, 3);
            smooth.Process(frame, reader.Width, reader.Height, 3);
            rawRegion.Add(raw);
            smoothRegion.Add(smooth);
            rawLandmarks.Add(raw.Found, raw.Landmarks);
            smoothLandmarks.Add(smooth.Found, smooth.Landmarks);
            if (raw.Found) Assert.True(raw.Landmarks.SequenceEqual(raw.RawLandmarks), "without smoothing the landmarks are the model's");
            frames++;
        }
        var line = $"juggle.mp4, pose-full, {frames} frames at {info.FrameRate} fps: crop step per frame {rawRegion.MeanStep:P2} → {smoothRegion.MeanStep:P2} of its size, " +
            $"crop jitter (2nd difference) {rawRegion.MeanJitter:P2} → {smoothRegion.MeanJitter:P2}; landmark jitter {rawLandmarks.Mean * 1e3:F2} → {smoothLandmarks.Mean * 1e3:F2} ×1e-3 frame; " +
            $"detector runs {raw.Detections} / {smooth.Detections}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllTextAsync("/tmp/synthstage_pose_report.txt", line + "\n", ct);
        Assert.True(smoothRegion.MeanStep < rawRegion.MeanStep * 0.8, line);
        Assert.True(smoothRegion.MeanJitter < rawRegion.MeanJitter * 0.5, line);
        Assert.True(smoothLandmarks.Mean < rawLandmarks.Mean * 0.8, line);
    }

    [Fact]
    public async Task ANewDetectionRestartsTheFilters()
    {
        SharedData.RequireFfmpeg();
        var ct = TestContext.Current.CancellationToken;
        var info = await MediaProbe.ProbeAsync(SharedData.Require("footage/juggle.mp4"), ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        using var tracker = await CreateAsync(true, info.FrameRate);
        var (width, height) = (reader.Width, reader.Height);
        var frames = new byte[4][];
        for (var i = 0; i < 4; i++)
        {
            frames[i] = new byte[reader.FrameSizeBytes];
            for (var skip = 0; skip < 10; skip++) Assert.True(await reader.ReadFrameAsync(frames[i], ct));
        }
        Assert.True(tracker.Process(frames[0], width, height, 3));
        Assert.True(tracker.Landmarks.SequenceEqual(tracker.RawLandmarks), "the first frame of a track passes through the filters");
        Assert.True(tracker.Process(frames[1], width, height, 3));
        Assert.Equal(1, tracker.Detections);
        Assert.False(tracker.Landmarks.SequenceEqual(tracker.RawLandmarks), "a tracked frame is smoothed");

        // Nobody in the frame: tracking is lost; the next frame is detected afresh and passes through again.
        var empty = new byte[frames[0].Length];
        Assert.False(tracker.Process(empty, width, height, 3));
        Assert.True(tracker.Process(frames[2], width, height, 3));
        Assert.Equal(3, tracker.Detections);
        Assert.True(tracker.Landmarks.SequenceEqual(tracker.RawLandmarks), "a new detection restarts the filters");

        Assert.True(tracker.Process(frames[3], width, height, 3));
        Assert.False(tracker.Landmarks.SequenceEqual(tracker.RawLandmarks));
        tracker.Reset();
        Assert.True(tracker.Process(frames[3], width, height, 3));
        Assert.True(tracker.Landmarks.SequenceEqual(tracker.RawLandmarks), "Reset restarts the filters");
    }
}
