using System.Globalization;
using Synthstage.Video;

namespace Synthstage.Tests.Selection;

/// <summary>Two people side by side: the clip and each person's ground-truth matte placed where the clip shows them.</summary>
internal sealed record SideBySideScene(string Clip, List<float[]> Left, List<float[]> Right);

/// <summary>
/// A walker slid across in front of a juggler: the clip, the walker's ground truth (<see cref="Covers"/>), that grown by
/// a few pixels (<see cref="NearWalker"/>: the matte's edge there is neither person's) and the juggler's (<see cref="Canvas"/>).
/// </summary>
internal sealed record CrossingScene(string Clip, List<float[]> Covers, List<float[]> NearWalker, List<float[]> Canvas);

/// <summary>
/// Builds the two-person clips of <see cref="TwoPersonClips"/> once per test class (ffmpeg and the pose model's
/// single-person mattes for the ground truth), for the tests of every keying model to share.
/// </summary>
public sealed class TwoPersonScenes : IDisposable
{
    /// <summary>The crossing's walker starts this many pixels left of the juggler and ends as far right.</summary>
    public const int WalkerShift = 260;

    private const int EdgeBand = 8;

    private readonly string _dir = Directory.CreateTempSubdirectory("synthstage-two-").FullName;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SideBySideScene? _side;
    private CrossingScene? _crossing;

    public void Dispose()
    {
        _gate.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A folder of the fixture's for one test's output.</summary>
    internal string Folder(string name) => PathOf($"{name}-{Guid.NewGuid():N}");

    internal static async Task<KeyingOptions> PoseOptionsAsync() => new() { Model = "pose-full", Store = await TestModels.RequirePoseStoreAsync() };

    internal async Task<SideBySideScene> SideBySideAsync()
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _side ??= await BuildSideBySideAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task<CrossingScene> CrossingAsync()
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _crossing ??= await BuildCrossingAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SideBySideScene> BuildSideBySideAsync()
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
        return new SideBySideScene(PathOf("side.mp4"), left, right);
    }

    private async Task<CrossingScene> BuildCrossingAsync()
    {
        SharedData.RequireFfmpeg();
        var juggle = SharedData.Require("footage/juggle.mp4");
        var options = await PoseOptionsAsync();
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
        int Offset(int n) => (int)Math.Round(-WalkerShift + 2.0 * WalkerShift * n / (frames - 1));
        await TwoPersonClips.RunAsync("-i", PathOf("canvas.mp4"), "-framerate", "24", "-i", Path.Combine(PathOf("mover-alpha"), "frame_%06d.png"),
            "-filter_complex", string.Create(CultureInfo.InvariantCulture, $"[0:v][1:v]overlay=x='round(-{WalkerShift}+{2 * WalkerShift}*n/{frames - 1})':y=0:eof_action=endall"),
            "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("cross.mp4"));
        var covers = moverMask.Select((m, n) => Shift(m, 640, 360, Offset(n))).ToList();
        // The juggler is measured away from the walker's outline: within a few pixels of it the matte's edge (a
        // 256-pixel mask enlarged 2.5×, feathered) is neither person's.
        var nearWalker = covers.Select(c => Grow(c, 640, 360, EdgeBand)).ToList();
        return new CrossingScene(PathOf("cross.mp4"), covers, nearWalker, canvasMask);
    }

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
