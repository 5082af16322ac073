using System.Globalization;
using System.Text;
using Synthstage.Selection;
using Synthstage.Video;

namespace Synthstage.Tests.Selection;

/// <summary>
/// Pointing at one of two people keys that person and not the other in every frame — side by side, and when the
/// other walks across in front — on clips built from juggle.mp4 with real ffmpeg, BlazePose and ONNX Runtime.
/// </summary>
public sealed class SubjectSelectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synthstage-select-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<KeyingOptions> PoseOptionsAsync() => new() { Model = "pose-full", Store = await TestModels.RequirePoseStoreAsync() };

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task ThePersonPointedAtIsKeyedAndTheOtherNotSideBySide()
    {
        SharedData.RequireFfmpeg();
        var juggle = SharedData.Require("footage/juggle.mp4");
        var options = await PoseOptionsAsync();
        await TwoPersonClips.RunAsync("-i", juggle, "-filter_complex", $"[0:v]split[s0][s1];[s0]{TwoPersonClips.Crop(0)}[a];[s1]{TwoPersonClips.Crop(60)}[b];[a][b]hstack",
            "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("side.mp4"));
        await TwoPersonClips.RunAsync("-i", juggle, "-vf", TwoPersonClips.Crop(0), "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("left.mp4"));
        await TwoPersonClips.RunAsync("-i", juggle, "-vf", TwoPersonClips.Crop(60), "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("right.mp4"));
        var left = Place(await TwoPersonClips.MatteAsync(PathOf("left.mp4"), PathOf("left-ref"), options), 220, 360, 440, 0);
        var right = Place(await TwoPersonClips.MatteAsync(PathOf("right.mp4"), PathOf("right-ref"), options), 220, 360, 440, 220);
        var (x, y) = TwoPersonClips.Centroid(right[0], 440);

        var selected = await TwoPersonClips.MatteAsync(PathOf("side.mp4"), PathOf("side-out"), options with
        {
            Selection = new SubjectSelection { Points = [new SubjectPoint(x, y, 0, SubjectPointKind.Subject)] },
        });

        Assert.Equal(TwoPersonClips.Frames, selected.Count);
        var report = new StringBuilder();
        var failed = 0;
        for (var f = 0; f < selected.Count; f++)
        {
            var (kept, _) = TwoPersonClips.MeanOver(selected[f], right[f]);
            var (other, _) = TwoPersonClips.MeanOver(selected[f], left[f]);
            report.Append(CultureInfo.InvariantCulture, $"{f}:{kept:F2}/{other:F2} ");
            if (kept < 0.7 || other > 0.3) failed++;
        }
        Assert.True(failed == 0, $"pointed at ({x},{y}); {failed} frames fail (pointed-at ≥ 0.7 / other ≤ 0.3): {report}");
    }

    [Fact]
    public async Task ThePersonPointedAtKeepsTheirIdentityWhenTheOtherCrossesInFront()
    {
        SharedData.RequireFfmpeg();
        var juggle = SharedData.Require("footage/juggle.mp4");
        var options = await PoseOptionsAsync();
        const int shift = 260;
        var frames = TwoPersonClips.Frames;
        string Clip(int start) => string.Create(CultureInfo.InvariantCulture,
            $"trim=start_frame={start}:end_frame={start + frames},setpts=PTS-STARTPTS,scale=640:360");
        await TwoPersonClips.RunAsync("-i", juggle, "-vf", Clip(0), "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("canvas.mp4"));
        await TwoPersonClips.RunAsync("-i", juggle, "-vf", Clip(60), "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("mover.mp4"));
        var still = options with { Provenance = options.Provenance with { Watermark = false, Manifest = false } };
        // The walker: cut out of their own footage by the single-person matte, then slid across the canvas in front of the juggler.
        Directory.CreateDirectory(PathOf("mover-alpha"));
        await MatteJob.RunAsync(PathOf("mover.mp4"), PathOf("mover-alpha") + Path.DirectorySeparatorChar, MatteOutputKind.Alpha, still, ct: TestContext.Current.CancellationToken);
        var moverMask = await TwoPersonClips.MatteAsync(PathOf("mover.mp4"), PathOf("mover-ref"), options);
        var canvasMask = await TwoPersonClips.MatteAsync(PathOf("canvas.mp4"), PathOf("canvas-ref"), options);
        int Offset(int n) => (int)Math.Round(-shift + 2.0 * shift * n / (frames - 1));
        await TwoPersonClips.RunAsync("-i", PathOf("canvas.mp4"), "-framerate", "24", "-i", Path.Combine(PathOf("mover-alpha"), "frame_%06d.png"),
            "-filter_complex", string.Create(CultureInfo.InvariantCulture, $"[0:v][1:v]overlay=x='round(-{shift}+{2 * shift}*n/{frames - 1})':y=0:eof_action=endall"),
            "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("cross.mp4"));
        var covers = moverMask.Select((m, n) => Shift(m, 640, 360, Offset(n))).ToList();
        // The juggler is measured away from the walker's outline: within a few pixels of it the matte's edge (a
        // 256-pixel mask enlarged 2.5×, feathered) is neither person's.
        var nearWalker = covers.Select(c => Grow(c, 640, 360, EdgeBand)).ToList();
        var (x, y) = TwoPersonClips.Centroid(canvasMask[0], 640);

        var selected = await TwoPersonClips.MatteAsync(PathOf("cross.mp4"), PathOf("cross-out"), options with
        {
            Selection = new SubjectSelection { Points = [new SubjectPoint(x, y, 0, SubjectPointKind.Subject)] },
        });

        Assert.Equal(frames, selected.Count);
        var report = new StringBuilder();
        var (failed, hidden, crossing) = (0, 0, 0);
        var area = TwoPersonClips.MeanOver(canvasMask[0], canvasMask[0]).Pixels;
        for (var f = 0; f < frames; f++)
        {
            var (kept, visible) = TwoPersonClips.MeanOver(selected[f], canvasMask[f], nearWalker[f]);
            var (other, _) = TwoPersonClips.MeanOver(selected[f], covers[f]);
            // While the walker hides most of the juggler there is too little of him left to measure.
            var measured = visible >= area / 4;
            if (!measured) hidden++;
            // While they overlap, the juggler's crop would slide onto the walker: his last segmentation stands in
            // (held up to a second), so his moving arms are kept less well until he is found again; the look-ahead
            // smoothing also averages the frames where he is hidden into the two before them.
            var overlapping = TwoPersonClips.MeanOver(covers[f], canvasMask[f]).Mean > 0.02;
            if (overlapping) crossing++;
            var floor = overlapping ? 0.25 : 0.7;
            report.Append(CultureInfo.InvariantCulture, $"{f}{(overlapping ? "x" : "")}:{(measured ? kept.ToString("F2", CultureInfo.InvariantCulture) : "hidden")}/{other:F2} ");
            if ((measured && kept < floor) || other > 0.3) failed++;
        }
        Assert.True(failed == 0, $"pointed at ({x},{y}); {failed} frames fail (pointed-at ≥ 0.7, ≥ 0.25 while overlapping (x) / walker ≤ 0.3): {report}");
        Assert.True(hidden < frames / 4, $"the juggler was measurable in too few frames: {report}");
        Assert.True(crossing > 0 && crossing < frames / 2, $"the clip does not cross as built: {report}");
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
    }

    private const int EdgeBand = 8;

    /// <summary>Where <paramref name="mask"/> &gt; 0.5 grown by <paramref name="radius"/> pixels (a square), as 0/1.</summary>
    private static float[] Grow(float[] mask, int w, int h, int radius)
    {
        var rows = new float[mask.Length];
        var grown = new float[mask.Length];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            for (var k = Math.Max(0, x - radius); k <= Math.Min(w - 1, x + radius); k++)
                if (mask[y * w + k] > 0.5f) { rows[y * w + x] = 1; break; }
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            for (var k = Math.Max(0, y - radius); k <= Math.Min(h - 1, y + radius); k++)
                if (rows[k * w + x] > 0.5f) { grown[y * w + x] = 1; break; }
        return grown;
    }

    /// <summary>Masks of width w placed at column <paramref name="left"/> of frames <paramref name="frameWidth"/> wide.</summary>
    private static List<float[]> Place(List<float[]> masks, int w, int h, int frameWidth, int left) => masks.Select(m =>
    {
        var placed = new float[frameWidth * h];
        for (var y = 0; y < h; y++) Array.Copy(m, y * w, placed, y * frameWidth + left, w);
        return placed;
    }).ToList();

    private static float[] Shift(float[] mask, int w, int h, int dx)
    {
        var shifted = new float[mask.Length];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            if (x - dx >= 0 && x - dx < w) shifted[y * w + x] = mask[y * w + x - dx];
        return shifted;
    }
}
