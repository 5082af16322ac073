using Synthstage.Evaluation;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Pose;
using Synthstage.Segmentation;
using Synthstage.Video;

namespace Synthstage.Tests.Pose;

/// <summary>BlazePose GHUM on real footage through the real installer, ONNX Runtime and ffmpeg.</summary>
public class PoseTrackerTests
{
    // Lower-body landmarks: hips, knees, ankles, heels, foot tips (left, right).
    private static readonly (int From, int To)[] Legs = [(23, 25), (25, 27), (27, 29), (29, 31), (24, 26), (26, 28), (28, 30), (30, 32)];

    private static async Task<(List<byte[]> Frames, int Width, int Height)> DecodeAsync(string clip, int every = 1)
    {
        SharedData.RequireFfmpeg();
        var info = await MediaProbe.ProbeAsync(SharedData.Require($"footage/{clip}.mp4"), TestContext.Current.CancellationToken);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var frames = new List<byte[]>();
        for (var i = 0; ; i++)
        {
            var frame = new byte[reader.FrameSizeBytes];
            if (!await reader.ReadFrameAsync(frame, TestContext.Current.CancellationToken)) break;
            if (i % every == 0) frames.Add(frame);
        }
        return (frames, reader.Width, reader.Height);
    }

    /// <summary>Share of points along the leg and foot bones (10 per bone) where the matte is at least half opaque.</summary>
    internal static double LowerBodyCoverage(byte[] alpha, int w, int h, ReadOnlySpan<PoseLandmark> landmarks)
    {
        int inside = 0, total = 0;
        foreach (var (from, to) in Legs)
            for (var t = 0; t <= 10; t++, total++)
            {
                var (a, b) = (landmarks[from], landmarks[to]);
                if (OpaqueNear(alpha, w, h, a.X + (b.X - a.X) * t / 10f, a.Y + (b.Y - a.Y) * t / 10f, 0)) inside++;
            }
        return (double)inside / total;
    }

    /// <summary>
    /// How many of the knees, ankles, heels and mid-feet (8) and of the toe landmarks (2) have a half-opaque matte
    /// pixel within <paramref name="radius"/> pixels.
    /// </summary>
    internal static (int Legs, int Toes) LegPointsKept(byte[] alpha, int w, int h, ReadOnlySpan<PoseLandmark> landmarks, int radius)
    {
        int legs = 0, toes = 0;
        for (var i = 25; i <= 30; i++)
            if (OpaqueNear(alpha, w, h, landmarks[i].X, landmarks[i].Y, radius)) legs++;
        foreach (var (heel, toe) in new[] { (29, 31), (30, 32) })
        {
            if (OpaqueNear(alpha, w, h, (landmarks[heel].X + landmarks[toe].X) / 2, (landmarks[heel].Y + landmarks[toe].Y) / 2, radius)) legs++;
            if (OpaqueNear(alpha, w, h, landmarks[toe].X, landmarks[toe].Y, radius)) toes++;
        }
        return (legs, toes);
    }

    private static bool OpaqueNear(byte[] alpha, int w, int h, float x, float y, int radius)
    {
        var (cx, cy) = ((int)(x * w), (int)(y * h));
        for (var py = Math.Max(0, cy - radius); py <= Math.Min(h - 1, cy + radius); py++)
            for (var px = Math.Max(0, cx - radius); px <= Math.Min(w - 1, cx + radius); px++)
                if ((px - cx) * (px - cx) + (py - cy) * (py - cy) <= radius * radius && alpha[py * w + px] >= 128) return true;
        return false;
    }

    /// <summary>All lower-body landmarks inside the frame and not occluded (the ball hides a foot in some frames).</summary>
    internal static bool FullyVisible(ReadOnlySpan<PoseLandmark> landmarks)
    {
        for (var i = 23; i < PoseLandmark.Count; i++)
            if (landmarks[i].Presence < 0.5f || landmarks[i].Visibility < 0.5f || landmarks[i].X is < 0 or > 1 || landmarks[i].Y is < 0 or > 1) return false;
        return true;
    }

    // Judged on the matte users get (smoothing, guided refinement, clip levels, feather at 1280×720) against the model's
    // own landmarks of each frame. A landmark counts as kept when the matte is at least half opaque within the DAVIS
    // boundary tolerance (12 px here): landmarks on a limb's outline are only that precise. The foot is probed at its
    // middle (between heel and toe landmark); the toe landmark itself overshoots the shoe in fast kicks, so it is
    // reported and held to a lower bar. scripts/matte-stills.sh shows the frames where it does
    // (docs/images/pose-juggle-feet.jpg): every foot is in the matte.
    [Theory]
    [InlineData("pose-lite", 1)]
    [InlineData("pose-full", 1)]
    [InlineData("pose-heavy", 8)]
    public async Task WholeBodyIncludingFeetIsKeptInEveryFullyVisibleFrameOfJuggle(string model, int every)
    {
        var (frames, width, height) = await DecodeAsync("juggle", every);
        var store = await TestModels.RequirePoseStoreAsync();
        using var stages = await MatteStages.CreateAsync(new KeyingOptions { Model = model, Store = store }, width, height, null, TestContext.Current.CancellationToken);
        var tracker = Assert.IsType<PoseSegmenter>(stages.Segmenter).Tracker;
        var tolerance = (int)MatteMetrics.DavisTolerance(width, height);
        var mask = new float[stages.MaskWidth * stages.MaskHeight];
        var alpha = new byte[width * height];
        var kept = new List<int>();
        var toeTips = new List<int>();
        var coverages = new List<double>();
        int found = 0, index = -1, worst = -1;
        foreach (var frame in frames)
        {
            index++;
            stages.SegmentAndShape(frame, mask);
            stages.Enlarge(frame, mask, alpha);
            if (!tracker.Found) continue;
            found++;
            // The model's own landmarks for this frame: the smoothed ones lag a fast kick behind the mask of the frame.
            var landmarks = tracker.RawLandmarks;
            // Feet below knees below hips: the landmarks really are a standing body.
            Assert.True(landmarks[27].Y > landmarks[25].Y && landmarks[25].Y > landmarks[23].Y);
            if (!FullyVisible(landmarks)) continue;
            var (legs, toes) = LegPointsKept(alpha, width, height, landmarks, tolerance);
            kept.Add(legs);
            toeTips.Add(toes);
            coverages.Add(LowerBodyCoverage(alpha, width, height, landmarks));
            if (legs <= kept.Min()) worst = index * every;
        }
        var line = $"{model} on juggle.mp4 (every {every}. frame, final matte, within {tolerance} px): person in {found}/{frames.Count} frames, fully visible in {kept.Count}; " +
            $"knees, ankles, heels and mid-feet all kept in {kept.Count(k => k == 8)} (fewest {kept.Min()} of 8, frame {worst}); " +
            $"both toe landmarks in {toeTips.Count(t => t == 2)}; points along the leg bones inside: mean {coverages.Average():P1}, min {coverages.Min():P1}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllTextAsync("/tmp/synthstage_pose_report.txt", line + "\n", TestContext.Current.CancellationToken);
        Assert.Equal(frames.Count, found);
        Assert.True(kept.Count >= frames.Count * 3 / 4, $"fully visible in only {kept.Count} of {frames.Count} frames");
        // The few misses are heel or toe landmarks placed beside a blurred kicking foot that the matte holds, or a foot
        // behind the ball (docs/images/pose-juggle-feet.jpg).
        // ONNX Runtime picks its kernels by the CPU's instruction set, so a landmark can move by a pixel between
        // machines: pose-full kept all eight in 225 of 225 frames on one machine and 223 on another (AMD EPYC).
        var share = model == "pose-full" ? 99 : 95;
        Assert.True(kept.Count(k => k == 8) >= kept.Count * share / 100, $"all leg points kept in only {kept.Count(k => k == 8)} of {kept.Count} frames");
        Assert.True(kept.Min() >= 5, $"only {kept.Min()} of 8 leg points kept in frame {worst}");
        Assert.True(toeTips.Count(t => t == 2) >= toeTips.Count * 9 / 10, $"toe landmarks inside in only {toeTips.Count(t => t == 2)} of {toeTips.Count} frames");
        // The ball passes in front of the shins in some frames (the matte rightly leaves it out).
        Assert.True(coverages.Average() >= 0.95, $"leg bones only {coverages.Average():P1} inside the matte on average");
    }

    [Fact]
    public async Task EmptyFrameGivesAnEmptyMaskAndTrackingStartsOverWithTheDetector()
    {
        var (frames, width, height) = await DecodeAsync("juggle", 60);
        var store = await TestModels.RequirePoseStoreAsync();
        using var segmenter = await PoseSegmenter.CreateAsync("pose-lite", width, height, store, new SessionOptionsSpec(), null, TestContext.Current.CancellationToken);
        var mask = new float[segmenter.MaskWidth * segmenter.MaskHeight];
        var empty = new byte[width * height * 3];
        for (var i = 0; i < empty.Length; i++) empty[i] = (byte)(90 + (i / 3 % width) * 60 / width);

        segmenter.Segment(frames[0], width, height, 3, mask);
        Assert.True(segmenter.Tracker.Found);
        Assert.True(mask.Max() > 0.9f);
        segmenter.Segment(frames[1], width, height, 3, mask);
        Assert.Equal(1, segmenter.Tracker.Detections); // tracked, no second detection

        segmenter.Segment(empty, width, height, 3, mask);
        Assert.False(segmenter.Tracker.Found);
        Assert.Equal(0, segmenter.Tracker.Score);
        Assert.All(mask, v => Assert.Equal(0f, v));
        var detectionsAfterLoss = segmenter.Tracker.Detections;
        Assert.Equal(2, detectionsAfterLoss); // tracking failed, the detector looked again in the same frame

        segmenter.Segment(frames[2], width, height, 3, mask);
        Assert.True(segmenter.Tracker.Found);
        Assert.Equal(detectionsAfterLoss + 1, segmenter.Tracker.Detections);
    }

    [Fact]
    public async Task OfSeveralPeopleTheLargestIsKept()
    {
        var (frames, width, height) = await DecodeAsync("juggle", 100);
        var store = await TestModels.RequirePoseStoreAsync();
        // A 960×720 scene cut from frame 0: left half the person at full size, right half at 80 % (feet on the same line).
        var source = frames[0];
        var (sceneWidth, sceneHeight) = (960, height);
        var scene = new byte[sceneWidth * sceneHeight * 3];
        for (var y = 0; y < sceneHeight; y++)
        for (var x = 0; x < sceneWidth; x++)
        {
            var (sx, sy) = x < sceneWidth / 2 ? (x - 240 + 742, y) : ((int)(742 + (x - 720) / 0.8f), (int)(height - (height - y) / 0.8f));
            if (sx < 0 || sx >= width || sy < 0 || sy >= height) continue;
            source.AsSpan((sy * width + sx) * 3, 3).CopyTo(scene.AsSpan((y * sceneWidth + x) * 3, 3));
        }
        await File.WriteAllBytesAsync("/tmp/ss_pose_scene.rgb", scene, TestContext.Current.CancellationToken);
        using var detector = PoseDetector.Create(PoseModelInstaller.ModelPath(store, PoseModelInstaller.Detector));
        var detections = new PoseDetection[8];
        var count = detector.Detect(scene, sceneWidth, sceneHeight, 3, detections);
        await File.AppendAllTextAsync("/tmp/synthstage_pose_report.txt", string.Join("\n", detections.Take(count)) + "\n", TestContext.Current.CancellationToken);
        Assert.True(count >= 2, $"found {count} people; expected the two copies");
        Assert.Contains(detections.Take(count), d => d.HipX < 0.5f);
        Assert.Contains(detections.Take(count), d => d.HipX > 0.5f);

        using var tracker = new PoseTracker(PoseDetector.Create(PoseModelInstaller.ModelPath(store, PoseModelInstaller.Detector)),
            PoseLandmarkModel.Create(PoseModelInstaller.ModelPath(store, "lite")), PersonChoice.Largest);
        Assert.True(tracker.Process(scene, sceneWidth, sceneHeight, 3));
        Assert.True(tracker.Landmarks[0].X < 0.5f, $"followed the person at x = {tracker.Landmarks[0].X}");
    }

    [Fact]
    public async Task SegmentingAFrameAllocatesNothingOnceWarm()
    {
        var (frames, width, height) = await DecodeAsync("juggle", 50);
        var store = await TestModels.RequirePoseStoreAsync();
        using var segmenter = await PoseSegmenter.CreateAsync("pose-lite", width, height, store, new SessionOptionsSpec(), null, TestContext.Current.CancellationToken);
        var mask = new float[segmenter.MaskWidth * segmenter.MaskHeight];
        foreach (var frame in frames) segmenter.Segment(frame, width, height, 3, mask);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var frame in frames) segmenter.Segment(frame, width, height, 3, mask);
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / frames.Count;
        TestContext.Current.TestOutputHelper?.WriteLine($"{perFrame} bytes allocated per tracked frame");
        Assert.True(perFrame <= 512, $"{perFrame} bytes allocated per frame");
    }

    [Fact]
    public async Task ResolverSelectsThePoseModelsByName()
    {
        var store = await TestModels.RequirePoseStoreAsync();
        using var segmenter = await SegmentationModelResolver.CreateAsync("pose-full", 720, 1280, store, new SessionOptionsSpec(), null, TestContext.Current.CancellationToken);
        var pose = Assert.IsType<PoseSegmenter>(segmenter);
        Assert.Equal((144, 256), (pose.MaskWidth, pose.MaskHeight));
        var e = await Assert.ThrowsAsync<SynthstageException>(() => PoseSegmenter.CreateAsync("pose-huge", 10, 10, store, new SessionOptionsSpec(), null, TestContext.Current.CancellationToken));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public async Task InstallerTakesThePackageFilesFromDiskAndRejectsOthers()
    {
        var detector = await PoseModelImportTests.RequireFileAsync(PoseModelImportTests.DetectorFile);
        var lite = await PoseModelImportTests.RequireFileAsync("pose_landmark_lite.tflite");
        var root = Directory.CreateTempSubdirectory("ss-pose-store-").FullName;
        try
        {
            var store = new ModelStore(root);
            var installed = await PoseModelInstaller.InstallAsync(store, null, [detector, lite], null, TestContext.Current.CancellationToken);
            Assert.Equal([PoseModelInstaller.ModelPath(store, "detector"), PoseModelInstaller.ModelPath(store, "lite")], installed);
            using (PoseDetector.Create(installed[0])) { }
            using (var landmarks = PoseLandmarkModel.Create(installed[1])) Assert.True(landmarks.HasHeatmap);
            var wrong = Path.Combine(root, "other.tflite");
            await File.WriteAllBytesAsync(wrong, "TFL3 not really"u8.ToArray(), TestContext.Current.CancellationToken);
            var e = await Assert.ThrowsAsync<SynthstageException>(() => PoseModelInstaller.InstallAsync(store, null, [wrong], null, TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.BadModel, e.ExitCode);
            Assert.Contains("not one of the @mediapipe/pose model files", e.Message);
            // The landmark model is not a detector, and the other way round.
            Assert.Equal(ExitCodes.BadModel, Assert.Throws<SynthstageException>(() => PoseDetector.Create(installed[1])).ExitCode);
            Assert.Equal(ExitCodes.BadModel, Assert.Throws<SynthstageException>(() => PoseLandmarkModel.Create(installed[0])).ExitCode);
        }
        finally { Directory.Delete(root, true); }
    }
}
