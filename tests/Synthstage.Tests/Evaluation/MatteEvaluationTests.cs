using Onnx;
using SkiaSharp;
using Synthstage.Compositing;
using Synthstage.Evaluation;
using Synthstage.Onnx;
using Synthstage.Video;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Tests.Evaluation;

public sealed class MatteEvaluationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A MODNet-shaped graph whose matte is the mean of the normalised channels: +1 on white, −1 on black.
    private string WriteBrightnessModel()
    {
        var b = new OnnxGraphBuilder("brightness");
        var input = b.Input("input", DataType.Float, "batch", 3, "height", "width");
        b.NamedNode("ReduceMean", [input], "output", OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1));
        b.Output("output", DataType.Float, "batch", 1, "height", "width");
        var path = Path.Combine(_dir, "brightness.onnx");
        b.Save(path);
        return path;
    }

    private static void WriteRectangle(string path, int left, int top, int right, int bottom, SKColor inside)
    {
        using var bitmap = new SKBitmap(64, 48);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            using var paint = new SKPaint { Color = inside };
            canvas.DrawRect(SKRect.Create(left, top, right - left, bottom - top), paint);
        }
        using var file = File.Create(path);
        bitmap.Encode(SKEncodedImageFormat.Png, 100).SaveTo(file);
    }

    [Fact]
    public async Task ImagesAreScoredAgainstTheirMasksEndToEnd()
    {
        var images = Directory.CreateDirectory(Path.Combine(_dir, "images")).FullName;
        var masks = Directory.CreateDirectory(Path.Combine(_dir, "masks")).FullName;
        WriteRectangle(Path.Combine(images, "a.png"), 10, 8, 40, 30, SKColors.White);
        WriteRectangle(Path.Combine(masks, "a.png"), 10, 8, 40, 30, SKColors.White);
        // The second mask is off by 10 columns: a third of the truth is missed.
        WriteRectangle(Path.Combine(images, "b.png"), 20, 10, 50, 40, SKColors.White);
        WriteRectangle(Path.Combine(masks, "b.jpg"), 30, 10, 60, 40, SKColors.White);
        var options = new MatteEvaluationOptions
        {
            Keying = new KeyingOptions
            {
                Model = WriteBrightnessModel(),
                Matte = new MatteOptions { Softness = 0, Feather = 0, Smoothing = 0, Refine = MatteRefinement.Off },
            },
            BoundaryTolerance = 1,
        };
        var scores = await MatteEvaluation.EvaluateImagesAsync(images, masks, options, null, TestContext.Current.CancellationToken);

        Assert.Equal(2, scores.Frames);
        // a: IoU ≈ 1; b: 20 of 30 columns overlap, union 40 → 0.5.
        Assert.InRange(scores.MeanIou!.Value, (0.95 + 0.48) / 2, (1 + 0.52) / 2);
        Assert.InRange(scores.MeanSoftIou!.Value, 0.7, 0.78);
        Assert.True(scores.MillisecondsPerFrame > 0);
        Assert.Null(scores.Flicker);
    }

    // A white square jumping 50 px a frame over black, keyed by the brightness model and scored against itself as the
    // alpha: accuracy is perfect, and every matte change is an edge sweeping over moving picture, so the band score
    // counts some of it while the sweep-free and still scores count none.
    [Fact]
    public async Task AVideoScoredAgainstItsOwnMatteIsPerfectAndItsJumpsAreSweeps()
    {
        SharedData.RequireFfmpeg();
        var clip = Path.Combine(_dir, "square.mkv");
        await Video.KeyingJobTests.RunFfmpegAsync("-f", "lavfi", "-i", "color=c=black:size=320x96:rate=10:duration=0.5", "-f", "lavfi", "-i",
            "color=c=white:size=40x40:rate=10:duration=0.5", "-filter_complex", "[0][1]overlay=x='10+50*n':y=28", "-c:v", "ffv1", "-pix_fmt", "yuv444p", clip);
        var options = new MatteEvaluationOptions
        {
            Keying = new KeyingOptions
            {
                Model = WriteBrightnessModel(),
                Matte = new MatteOptions { Softness = 0, Feather = 0, Smoothing = 0, Refine = MatteRefinement.Off },
            },
        };

        var scores = await MatteEvaluation.EvaluateVideoAsync(clip, clip, options, null, TestContext.Current.CancellationToken);

        Assert.Equal(5, scores.Frames);
        Assert.True(scores.MeanIou > 0.99, $"IoU {scores.MeanIou}");
        Assert.True(scores.Mad < 0.005, $"MAD {scores.Mad}");
        Assert.True(scores.DtSsd < 0.01, $"dtSSD {scores.DtSsd}");
        Assert.True(scores.Flicker > 0, "the band score sees none of the jumps");
        Assert.Equal(0, scores.SweepFreeFlicker);
        Assert.Equal(0, scores.StillFlicker);
    }

    [Fact]
    public void AnImageWithoutAMaskIsNamed()
    {
        var images = Directory.CreateDirectory(Path.Combine(_dir, "i")).FullName;
        var masks = Directory.CreateDirectory(Path.Combine(_dir, "m")).FullName;
        WriteRectangle(Path.Combine(images, "lonely.png"), 1, 1, 5, 5, SKColors.White);
        var ex = Assert.Throws<SynthstageException>(() => MatteEvaluation.PairImages(images, masks));
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
        Assert.Contains("lonely.png", ex.Message);
    }

    [Fact]
    public async Task TheCommandWantsImagesAndMasksOrAVideo()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "eval", "matte", "--images", _dir);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: give --images DIR --masks DIR, or --video FILE", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
