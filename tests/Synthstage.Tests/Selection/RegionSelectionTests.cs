using System.Globalization;
using System.Text;
using Synthstage.Selection;
using Synthstage.Video;

namespace Synthstage.Tests.Selection;

/// <summary>
/// Pointing with the default selfie model (<c>general</c>): the subject is the matte's region under the point, on
/// coffee.mp4 (a torso without a face, which the pose models cannot follow) and on a clip whose subject leaves the
/// frame and comes back; real ffmpeg, the real model on ONNX Runtime. Coordinates are in the 640×360 copy of
/// coffee.mp4 the tests key (picked on its frames 0, 75, 150, 220 and 286).
/// </summary>
public sealed class RegionSelectionTests : IDisposable
{
    private static readonly int[] Sampled = [0, 75, 150, 220, 286];

    private readonly string _dir = Directory.CreateTempSubdirectory("synthstage-region-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Boxes (x0, y0, x1, y1) per sampled frame: the white shirt clear of the kettle, the hands.</summary>
    private static readonly Dictionary<int, (int, int, int, int)[]> Torso = new()
    {
        [0] = [(250, 30, 420, 140), (165, 190, 210, 235), (490, 220, 525, 260)],
        [75] = [(340, 40, 480, 130), (250, 190, 360, 225), (455, 195, 505, 240)],
        [150] = [(400, 20, 490, 80), (240, 130, 360, 210), (455, 190, 500, 235)],
        [220] = [(400, 20, 490, 80), (240, 130, 360, 210), (450, 185, 495, 230)],
        [286] = [(400, 20, 490, 80), (240, 150, 360, 210), (445, 190, 490, 230)],
    };

    /// <summary>The wooden wall left and right of the person.</summary>
    private static readonly (int, int, int, int)[] Wall = [(10, 110, 90, 200), (580, 100, 630, 200)];

    /// <summary>The front of the table below the mug and kettle, and its back edge beside the person.</summary>
    private static readonly (int, int, int, int)[] Table = [(20, 325, 620, 355), (20, 270, 130, 300), (540, 270, 620, 300)];

    private const string TorsoPoint = "320,100@0";
    private const string TablePoint = "100,330@0";

    [Fact]
    public async Task TheTorsoPointedAtIsKeyedWithItsHandsAndNotTheWall()
    {
        var masks = await KeyCoffeeAsync(Point(TorsoPoint, SubjectPointKind.Subject));
        var report = new StringBuilder();
        var failed = 0;
        foreach (var f in Sampled)
        {
            var torso = Mean(masks[f], Torso[f]);
            var wall = Mean(masks[f], Wall);
            report.Append(CultureInfo.InvariantCulture, $"{f}: torso {torso:F2} wall {wall:F2}; ");
            if (torso < 0.7 || wall > 0.3) failed++;
        }
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(failed == 0, $"{failed} sampled frames fail (torso and hands ≥ 0.7, wall ≤ 0.3): {report}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OneExcludePointOnTheTableTakesTheTableOutAndKeepsTheTorso(bool withSubject)
    {
        SubjectPoint[] points = withSubject
            ? [Point(TorsoPoint, SubjectPointKind.Subject), Point(TablePoint, SubjectPointKind.Exclude)]
            : [Point(TablePoint, SubjectPointKind.Exclude)];
        var masks = await KeyCoffeeAsync(points);
        var unpointed = withSubject ? null : await KeyCoffeeAsync();
        var report = new StringBuilder();
        var failed = 0;
        foreach (var f in Sampled)
        {
            var (torso, table) = (Mean(masks[f], Torso[f]), Mean(masks[f], Table));
            report.Append(CultureInfo.InvariantCulture, $"{f}: torso {torso:F2} table {table:F2}; ");
            if (torso < 0.7 || table > 0.3) failed++;
        }
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(failed == 0, $"{failed} sampled frames fail (torso and hands ≥ 0.7, table ≤ 0.3): {report}");
        // The model itself keys the table with the shirt: it is the exclusion that takes it out.
        if (unpointed is not null) Assert.True(Mean(unpointed[150], Table) > 0.7, $"the general model no longer keys the table ({Mean(unpointed[150], Table):F2}): the test proves nothing");
    }

    [Fact]
    public async Task ASubjectThatLeavesTheFrameIsDroppedAndKeptAgainWhenItReturns()
    {
        SharedData.RequireFfmpeg();
        var juggle = SharedData.Require("footage/juggle.mp4");
        const int frames = 72;
        // The juggler (a 220×360 crop) slides off the right of a plain canvas, stays out, and slides back.
        await TwoPersonClips.RunAsync("-i", juggle, "-vf", string.Create(CultureInfo.InvariantCulture,
                $"trim=start_frame=0:end_frame={frames},setpts=PTS-STARTPTS,crop=440:720:500:0,scale=220:360"),
            "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("tile.mp4"));
        await TwoPersonClips.RunAsync("-f", "lavfi", "-i", string.Create(CultureInfo.InvariantCulture, $"color=c=0x3a5a7a:s=640x360:r=24:d={frames / 24.0}"),
            "-i", PathOf("tile.mp4"), "-filter_complex", $"[0:v][1:v]overlay=x='{OffsetExpression}':y=0:eof_action=endall",
            "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("away.mp4"));
        var options = await OptionsAsync();
        var tile = await TwoPersonClips.MatteAsync(PathOf("tile.mp4"), PathOf("tile-ref"), options);
        var (x, y) = TwoPersonClips.Centroid(tile[0], 220);
        // What the model keys of the juggler in this clip without points (it lags a fast slide a little): the reference.
        var plain = await TwoPersonClips.MatteAsync(PathOf("away.mp4"), PathOf("away-plain"), options);
        var keyed = await TwoPersonClips.MatteAsync(PathOf("away.mp4"), PathOf("away-out"), options with
        {
            Selection = new SubjectSelection { Points = [new SubjectPoint(x + 210, y, 0, SubjectPointKind.Subject)] },
        });

        Assert.Equal(frames, keyed.Count);
        var report = new StringBuilder();
        var (failed, inside, outside, back) = (0, 0, 0, 0);
        for (var f = 0; f < frames; f++)
        {
            var offset = Offset(f);
            if (offset + 220 <= 640)
            {
                var (kept, _) = TwoPersonClips.MeanOver(keyed[f], InTile(plain[f], offset));
                report.Append(CultureInfo.InvariantCulture, $"{f}:{kept:F2} ");
                inside++;
                if (f > frames / 2) back++;
                if (kept < 0.7) failed++;
            }
            else if (offset >= 640)
            {
                var most = keyed[f].Max();
                report.Append(CultureInfo.InvariantCulture, $"{f}:out {most:F2} ");
                outside++;
                if (most > 0.3) failed++;
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(inside >= 20 && outside >= 10 && back >= 10, $"the clip does not leave and return as built: {report}");
        Assert.True(failed == 0, $"pointed at ({x + 210},{y}); {failed} frames fail (kept ≥ 0.7 in frame, ≤ 0.3 everywhere while out): {report}");
    }

    [Fact]
    public async Task APointOnNothingTheMatteKeysSaysWhatIsNearest()
    {
        var error = await Assert.ThrowsAsync<SynthstageException>(() => KeyCoffeeAsync(Point("40,150@0", SubjectPointKind.Subject)));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("--subject 40,150@0: the general matte keys nothing under the point in frame 0; the nearest keyed region is ", error.Message);
    }

    /// <summary>The tile's left edge in frame n: in at 210 for 12 frames, out to 700 over 16, out for 16, back over 16, in for 12.</summary>
    private static int Offset(int n) => n < 12 ? 210 : n < 28 ? 210 + (n - 12) * 490 / 16 : n < 44 ? 700 : n < 60 ? 700 - (n - 44) * 490 / 16 : 210;

    private const string OffsetExpression = "if(lt(n,12),210,if(lt(n,28),210+floor((n-12)*490/16),if(lt(n,44),700,if(lt(n,60),700-floor((n-44)*490/16),210))))";

    /// <summary>The frame's matte inside the tile at <paramref name="left"/>, zero elsewhere.</summary>
    private static float[] InTile(float[] matte, int left)
    {
        var inside = new float[640 * 360];
        for (var y = 0; y < 360; y++)
        for (var x = left; x < Math.Min(640, left + 220); x++)
            inside[y * 640 + x] = matte[y * 640 + x];
        return inside;
    }

    private static SubjectPoint Point(string text, SubjectPointKind kind) => SubjectPoint.Parse(text, kind);

    private static async Task<KeyingOptions> OptionsAsync() => new() { Model = "general", Store = await TestModels.RequirePoseStoreAsync() };

    private async Task<List<float[]>> KeyCoffeeAsync(params SubjectPoint[] points)
    {
        SharedData.RequireFfmpeg();
        var coffee = PathOf("coffee.mp4");
        if (!File.Exists(coffee))
            await TwoPersonClips.RunAsync("-i", SharedData.Require("footage/coffee.mp4"), "-vf", "scale=640:360", "-an", "-c:v", "libx264", "-crf", "14", "-pix_fmt", "yuv420p", coffee);
        var folder = PathOf($"out-{Guid.NewGuid():N}");
        return await TwoPersonClips.MatteAsync(coffee, folder, await OptionsAsync() with { Selection = new SubjectSelection { Points = points } });
    }

    /// <summary>The matte's mean over the boxes (640×360 frames).</summary>
    private static double Mean(float[] mask, (int X0, int Y0, int X1, int Y1)[] boxes)
    {
        double sum = 0;
        var count = 0;
        foreach (var (x0, y0, x1, y1) in boxes)
            for (var y = y0; y < y1; y++)
            for (var x = x0; x < x1; x++)
            {
                sum += mask[y * 640 + x];
                count++;
            }
        return sum / count;
    }
}
