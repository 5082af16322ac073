using System.Globalization;
using System.Text.Json.Nodes;
using SkiaSharp;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Provenance;
using Synthstage.Scenes;
using Synthstage.Video;
using Synthstage.Video.Resume;

namespace Synthstage.Tests.Video;

/// <summary>
/// A resumable keyed render interrupted after some frames continues only with the settings it started with: a rerun
/// with any one setting that changes pixels is refused (and the kept frames are left alone), the same settings resume.
/// </summary>
public sealed class KeyedResumeTests : IDisposable
{
    private const int Frames = 24;
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-keyedresume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One render's settings; each case below changes exactly one of them.</summary>
    private sealed record Settings(KeyingOptions Keying, IBackgroundFactory Background, CompositeLook Look);

    [Fact]
    public async Task EachSettingChangedBetweenAnInterruptionAndTheRerunIsRefusedAndTheSameSettingsResume()
    {
        SharedData.RequireFfmpeg();
        var store = await TestModels.RequireSelfieStoreAsync();
        // One second of juggle.mp4 at 24 fps, small, so the renders take a moment; no audio.
        var clip = Path.Combine(_dir, "juggle24.mp4");
        await KeyingJobTests.RunFfmpegAsync("-i", SharedData.Require("footage/juggle.mp4"), "-frames:v", Frames.ToString(CultureInfo.InvariantCulture),
            "-vf", "scale=320:180", "-an", "-c:v", "libx264", "-preset", "ultrafast", clip);
        var plateA = WritePlate("plate-a.png", new SKColor(200, 40, 40));
        var plateB = WritePlate("plate-b.png", new SKColor(40, 200, 40));
        var output = new RenderOutput.Resumable(Path.Combine(_dir, "keyed.mp4")) { PartSeconds = 0.25 }; // 6 frames a part

        var keying = new KeyingOptions { Store = store, Model = "general", Encoder = EncoderSettings.Default with { Preset = "ultrafast" } };
        var original = new Settings(keying, new BackgroundSpec.Image(plateA), new CompositeLook());

        // Interrupted once two parts are written: the frames of finished parts stay beside the output.
        using (var cts = new CancellationTokenSource())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RenderAsync(clip, output, original, new CancelAfter(13, cts), cts.Token));
        }
        var stored = FramesStored(output.Path);
        Assert.InRange(stored, 12, Frames - 1);
        Assert.False(File.Exists(output.Path));

        var matte = keying.Matte;
        var cases = new (string Setting, Settings Changed)[]
        {
            ("threshold", original with { Keying = keying with { Matte = matte with { Threshold = 0.55f } } }),
            ("softness", original with { Keying = keying with { Matte = matte with { Softness = 0.5f } } }),
            ("feather", original with { Keying = keying with { Matte = matte with { Feather = 3f } } }),
            ("smoothing", original with { Keying = keying with { Matte = matte with { Smoothing = 0.5f } } }),
            ("refine", original with { Keying = keying with { Matte = matte with { Refine = MatteRefinement.Off } } }),
            ("refine", original with { Keying = keying with { Matte = matte with { RefineRadius = 8 } } }),
            ("refine", original with { Keying = keying with { Matte = matte with { RefineEpsilon = 0.01f } } }),
            ("refine", original with { Keying = keying with { Matte = matte with { ClipBlack = 0.1f } } }),
            ("refine", original with { Keying = keying with { Matte = matte with { ClipWhite = 0.9f } } }),
            ("model", original with { Keying = keying with { Model = "landscape" } }),
            ("crop smoothing", original with { Keying = keying with { PoseTracking = keying.PoseTracking with { CropSmoothing = true } } }),
            ("heatmap refinement", original with { Keying = keying with { PoseTracking = keying.PoseTracking with { HeatmapRefinement = false } } }),
            ("watermark", original with { Keying = keying with { Provenance = keying.Provenance with { Watermark = false } } }),
            ("watermark", original with { Keying = keying with { Provenance = keying.Provenance with { WatermarkStrength = 3 } } }),
            ("label", original with { Keying = keying with { Provenance = keying.Provenance with { Label = "AI-generated" } } }),
            ("crf", original with { Keying = keying with { Encoder = keying.Encoder with { Crf = 23 } } }),
            ("preset", original with { Keying = keying with { Encoder = keying.Encoder with { Preset = "superfast" } } }),
            ("vp9 deadline", original with { Keying = keying with { Encoder = keying.Encoder with { Vp9Deadline = Vp9Deadline.Good } } }),
            ("format", original with { Keying = keying with { Encoder = keying.Encoder with { Format = OutputFormat.Mp4 } } }),
            ("audio", original with { Keying = keying with { KeepAudio = false } }),
            ("background", original with { Background = new BackgroundSpec.Image(plateB) }),
            ("background", original with { Background = new BackgroundSpec.Solid(1, 2, 3) }),
            ("background", original with { Background = new BackgroundSpec.Blur() }),
            ("motion", original with { Background = MovingImageBackground.Over(new BackgroundSpec.Image(plateA), new PlateMotion(BackgroundMotion.Pan)) }),
            ("harmonize", original with { Look = new CompositeLook { Harmonize = 0.3f } }),
            ("light wrap", original with { Look = new CompositeLook { LightWrap = 0.3f } }),
        };
        foreach (var (setting, changed) in cases)
        {
            var refused = await Assert.ThrowsAsync<SynthstageException>(() => RenderAsync(clip, output, changed, null, Ct));
            Assert.Equal(ExitCodes.Usage, refused.ExitCode);
            Assert.Contains("other parameters", refused.Message);
            Assert.Contains($"settings.{setting}:", refused.Message);
            Assert.Equal(stored, FramesStored(output.Path));
        }

        // The same image file, edited in place, is another background too.
        var originalBytes = await File.ReadAllBytesAsync(plateA, Ct);
        var originalTime = File.GetLastWriteTimeUtc(plateA);
        File.Copy(plateB, plateA, overwrite: true);
        File.SetLastWriteTimeUtc(plateA, originalTime.AddMinutes(1));
        var edited = await Assert.ThrowsAsync<SynthstageException>(() => RenderAsync(clip, output, original, null, Ct));
        Assert.Contains("settings.background:", edited.Message);
        Assert.Equal(stored, FramesStored(output.Path));

        // Put the file back as it was: the same settings resume the kept frames.
        await File.WriteAllBytesAsync(plateA, originalBytes, Ct);
        File.SetLastWriteTimeUtc(plateA, originalTime);
        var resumed = await RenderAsync(clip, output, original, null, Ct);
        Assert.Equal(stored, resumed.FramesResumed);
        Assert.Equal(Frames, resumed.FramesWritten);
        Assert.Equal(Frames, (await MediaProbe.ProbeAsync(output.Path, Ct)).FrameCount);
        Assert.False(File.Exists(ResumableVideoOutput.StatePathOf(output.Path)));
        Assert.False(Directory.Exists(output.Path + ".parts"));
    }

    private static Task<RenderResult> RenderAsync(string clip, RenderOutput output, Settings settings, IProgress<PipelineProgress>? progress, CancellationToken ct) =>
        CompositeJob.RunAsync(clip, output, settings.Background, settings.Keying, settings.Look, progress, ct);

    private string WritePlate(string name, SKColor colour)
    {
        var path = Path.Combine(_dir, name);
        using var bitmap = new SKBitmap(64, 36);
        bitmap.Erase(colour);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private static int FramesStored(string output)
    {
        var state = JsonNode.Parse(File.ReadAllText(ResumableVideoOutput.StatePathOf(output)))!;
        return state["parts"]!.AsArray().Sum(n => n!.GetValue<int>());
    }

    private sealed class CancelAfter(int frames, CancellationTokenSource cts) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value)
        {
            if (value.Stage == "render" && value.Done >= frames) cts.Cancel();
        }
    }
}
