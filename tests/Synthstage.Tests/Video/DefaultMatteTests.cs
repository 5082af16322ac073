using Synthstage.Media;
using Synthstage.Pose;
using Synthstage.Video;

namespace Synthstage.Tests.Video;

/// <summary>
/// The default matte (<c>--model auto</c>, every other setting at its default, as <c>composite</c> makes it) on the
/// shared clips: the whole person in every sampled frame, nothing of the background; and <c>person-lite</c>, the
/// fused choice, keeping a small full-body person's forearms, which the default loses in places.
/// </summary>
public class DefaultMatteTests
{
    private readonly record struct Box(int X, int Y, int W, int H, string Name);

    // Boxes chosen on frames 0, 150 and 286 (and checked on every 30th): the shirt right of the kettle and beside the mug
    // hand, the hand on the mug (on the table in frame 0, lifted with the mug from frame 30 on), the forearm above the
    // watch, and the wooden wall top right, left and right of the person.
    private static readonly Box[] Torso = [new(720, 60, 160, 100, "chest"), new(860, 200, 70, 100, "shirt beside the arm")];
    private static readonly Box HandOnTable = new(985, 445, 50, 60, "hand");
    private static readonly Box HandOnMug = new(935, 385, 50, 60, "hand");
    private static readonly Box Forearm = new(985, 320, 55, 50, "forearm");
    private static readonly Box[] Wall = [new(1160, 20, 110, 160, "wall top right"), new(20, 250, 200, 180, "wall left"), new(1120, 240, 150, 200, "wall right")];

    private static double Mean(byte[] alpha, int width, Box b)
    {
        long sum = 0;
        for (var y = b.Y; y < b.Y + b.H; y++)
            for (var x = b.X; x < b.X + b.W; x++)
                sum += alpha[y * width + x];
        return sum / (255.0 * b.W * b.H);
    }

    /// <summary>Streams a clip through the matte stages of <paramref name="model"/> as a render does (look-ahead included) and hands each frame and its alpha to <paramref name="visit"/>.</summary>
    private static async Task StreamMatteAsync(string clip, string model, Action<int, byte[], byte[], int, int> visit)
    {
        SharedData.RequireFfmpeg();
        var path = SharedData.Require($"footage/{clip}.mp4");
        await TestModels.RequireSelfieStoreAsync();
        var store = await TestModels.RequirePoseStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var info = await MediaProbe.ProbeAsync(path, ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var (width, height) = (reader.Width, reader.Height);
        using var stages = await MatteStages.CreateAsync(new KeyingOptions { Store = store, Model = model }.AtFrameRate(info.FrameRate), width, height, null, ct);
        var held = stages.LookAhead + 1;
        var frames = Enumerable.Range(0, held).Select(_ => new byte[reader.FrameSizeBytes]).ToArray();
        var mask = new float[stages.MaskWidth * stages.MaskHeight];
        var alpha = new byte[width * height];
        int read = 0, released = 0;
        void Release()
        {
            var frame = frames[released % held];
            stages.Release(mask);
            stages.Enlarge(frame, mask, alpha);
            visit(released++, frame, alpha, width, height);
        }
        while (await reader.ReadFrameAsync(frames[read % held], ct))
        {
            stages.Accept(frames[read++ % held]);
            if (stages.Ready) Release();
        }
        while (released < read) Release();
        Assert.Equal(info.FrameCount, read);
    }

    [Fact]
    public async Task CoffeeKeepsTorsoHandAndForearmAndDropsTheWallInFramesAcrossTheWholeClip()
    {
        var lines = new List<string>();
        var failures = new List<string>();
        await StreamMatteAsync("coffee", "auto", (index, _, alpha, width, _) =>
        {
            if (index % 30 != 0 && index != 286) return;
            var keep = Torso.Append(index == 0 ? HandOnTable : HandOnMug).Append(Forearm).Select(b => (b, Mean(alpha, width, b))).ToArray();
            var drop = Wall.Select(b => (b, Mean(alpha, width, b))).ToArray();
            lines.Add($"frame {index}: " + string.Join(", ", keep.Concat(drop).Select(k => $"{k.b.Name} {k.Item2:0.00}")));
            failures.AddRange(keep.Where(k => k.Item2 < 0.7).Select(k => $"frame {index}: {k.b.Name} {k.Item2:0.00} < 0.7"));
            failures.AddRange(drop.Where(k => k.Item2 > 0.3).Select(k => $"frame {index}: {k.b.Name} {k.Item2:0.00} > 0.3"));
        });
        foreach (var line in lines) TestContext.Current.TestOutputHelper?.WriteLine(line);
        Assert.Equal(11, lines.Count);
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    // Forearms and hands located by BlazePose heavy (not a model the default runs), tracked over every frame: points at a
    // quarter, half and three quarters from elbow to wrist, the wrist, and the hand's centre (wrist, pinky and index
    // knuckles); kept when the matte is half opaque within 6 px. Only arms whose elbow and wrist are visible count.
    [Fact]
    public async Task PersonLiteKeepsBothForearmsAndHandsOnJuggleInEveryFrame()
    {
        var store = await TestModels.RequirePoseStoreAsync();
        using var reference = await PoseSegmenter.CreateTrackerAsync("pose-heavy", store, new Synthstage.Onnx.SessionOptionsSpec(), PersonChoice.Largest,
            null, TestContext.Current.CancellationToken);
        int frames = 0, kept = 0, probes = 0, probesKept = 0;
        var missed = new List<int>();
        await StreamMatteAsync("juggle", "person-lite", (index, frame, alpha, width, height) =>
        {
            if (!reference.Process(frame, width, height, 3)) return;
            var landmarks = reference.RawLandmarks;
            var whole = true;
            var any = false;
            foreach (var (elbow, wrist, pinky, indexKnuckle) in new[] { (13, 15, 17, 19), (14, 16, 18, 20) })
            {
                var (e, w) = (landmarks[elbow], landmarks[wrist]);
                if (e.Visibility < 0.5f || w.Visibility < 0.5f) continue;
                any = true;
                var points = new[] { 0.25f, 0.5f, 0.75f, 1f }.Select(t => (e.X + (w.X - e.X) * t, e.Y + (w.Y - e.Y) * t))
                    .Append(((w.X + landmarks[pinky].X + landmarks[indexKnuckle].X) / 3, (w.Y + landmarks[pinky].Y + landmarks[indexKnuckle].Y) / 3));
                foreach (var (x, y) in points)
                {
                    probes++;
                    if (OpaqueNear(alpha, width, height, x * width, y * height, 6)) probesKept++;
                    else whole = false;
                }
            }
            if (!any) return;
            frames++;
            if (whole) kept++;
            else missed.Add(index);
        });
        TestContext.Current.TestOutputHelper?.WriteLine($"forearms and hands whole in {kept} of {frames} frames; {probesKept} of {probes} points kept; missed {string.Join(",", missed)}");
        Assert.True(frames >= 200, $"BlazePose heavy saw an arm in only {frames} frames");
        Assert.True(missed.Count == 0, $"forearm or hand dropped in frames {string.Join(",", missed)}");
    }

    private static bool OpaqueNear(byte[] alpha, int w, int h, float x, float y, int radius)
    {
        var (cx, cy) = ((int)x, (int)y);
        for (var py = Math.Max(0, cy - radius); py <= Math.Min(h - 1, cy + radius); py++)
            for (var px = Math.Max(0, cx - radius); px <= Math.Min(w - 1, cx + radius); px++)
                if (alpha[py * w + px] >= 128) return true;
        return false;
    }
}
