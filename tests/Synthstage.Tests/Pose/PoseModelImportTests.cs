using Synthstage.Models;
using Synthstage.Tests.Tflite;
using Synthstage.Tflite;

namespace Synthstage.Tests.Pose;

/// <summary>
/// Whole-model checks of MediaPipe's real BlazePose GHUM files (detector, lite, full, heavy), fetched with npm into the
/// test cache: the converted ONNX graph against the direct-loop TFLite reference interpreter.
/// </summary>
public class PoseModelImportTests
{
    public const string Package = "@mediapipe/pose";
    public const string Version = "0.5.1675469404";
    public const string DetectorFile = "pose_solution_packed_assets.data";

    /// <summary>The package's files and their SHA-256, as pinned in catalog.json.</summary>
    public static readonly (string File, string Sha256)[] Files =
    [
        (DetectorFile, "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85"),
        ("pose_landmark_lite.tflite", "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"),
        ("pose_landmark_full.tflite", "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
        ("pose_landmark_heavy.tflite", "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"),
    ];

    private static readonly SemaphoreSlim FetchLock = new(1, 1);

    /// <summary>Returns the path of a file of the package, fetching the package once into the test cache; skips without
    /// npm or its registry, and fails when the pinned version or a checksum is wrong.</summary>
    public static async Task<string> RequireFileAsync(string file)
    {
        var folder = Path.Combine(TestEnvironment.CacheRoot, "mediapipe-pose-" + Version);
        await FetchLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            var paths = await NpmRegistry.FetchOrSkipAsync(Package, Version, folder, [.. Files.Select(f => new NpmPackageFile(f.File, f.Sha256))]);
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
        var entry = ModelCatalog.Get("mediapipe-pose");
        Assert.Equal((Package, Version), (entry.Source.Package, entry.Source.Version));
        Assert.True(entry.Confirmed);
        foreach (var (file, sha) in Files) Assert.Equal(sha, entry.Files.Single(f => f.Name == file).Sha256);
    }

    /// <summary>A deterministic smooth test image in <paramref name="low"/>..<paramref name="high"/>, NHWC RGB.</summary>
    internal static float[] TestImage(int h, int w, float low, float high)
    {
        var image = new float[h * w * 3];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var (u, v) = ((x - w / 2f) / w, (y - h * 0.5f) / h);
            var body = u * u * 20 + v * v * 1.5f < 0.25f ? 0.4f : 0f;
            for (var c = 0; c < 3; c++)
            {
                var unit = Math.Clamp(0.3f + body + 0.2f * MathF.Sin(0.07f * x * (c + 1) + 0.05f * y), 0, 1);
                image[(y * w + x) * 3 + c] = low + (high - low) * unit;
            }
        }
        return image;
    }

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    [Theory]
    [InlineData(DetectorFile)]
    [InlineData("pose_landmark_lite.tflite")]
    [InlineData("pose_landmark_full.tflite")]
    [InlineData("pose_landmark_heavy.tflite")]
    public async Task ConvertedModelMatchesReferenceInterpreter(string file)
    {
        var path = await RequireFileAsync(file);
        var graph = TfliteModelReader.Read(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), path).SubGraphs[0];
        var inputShape = graph.Tensors[graph.Inputs[0]].Shape;
        var detector = file == DetectorFile;
        Assert.Equal(detector ? [1, 224, 224, 3] : new[] { 1, 256, 256, 3 }, inputShape);
        var input = detector ? TestImage(224, 224, -1, 1) : TestImage(256, 256, 0, 1);

        var onnx = TfliteImporter.ConvertToOnnx(path);
        var actual = TfliteTestGraph.RunOnnx(onnx, graph, [input]);
        var expected = new TfliteReferenceInterpreter(graph).Run(input);
        var report = new List<string>();
        var failures = new List<string>();
        for (var o = 0; o < expected.Length; o++)
        {
            var shape = graph.Tensors[graph.Outputs[o]].Shape;
            Assert.Equal(shape, actual[o].Shape);
            var diff = TfliteTestGraph.MaxAbsDiff(expected[o], actual[o].Values);
            var scale = expected[o].Max(MathF.Abs);
            report.Add($"{graph.Tensors[graph.Outputs[o]].Name} [{string.Join(',', shape)}] max|diff| {diff:E2} (|max| {scale:G4})");
            // Relative to the output's magnitude: landmark coordinates are in pixels (0..256) and the segmentation is
            // logits that reach ±1000 on this input; float32 sums over deep stacks differ from the double reference
            // in the fifth significant digit there.
            if (diff > 5e-4 * Math.Max(1, scale)) failures.Add($"output {o} [{string.Join(',', shape)}]: max |onnx − reference| = {diff}");
            if (shape is [1, 256, 256, 1])
            {
                // The segmentation is used after a sigmoid; near the 0.5 edge the absolute error of the logits (~3e-3 on this
                // extreme input) shows as ≤ 1e-3 in probability.
                var p = TfliteTestGraph.MaxAbsDiff([.. expected[o].Select(Sigmoid)], [.. actual[o].Values.Select(Sigmoid)]);
                report.Add($"sigmoid(segmentation) max|diff| {p:E2}");
                if (p > 2e-3) failures.Add($"sigmoid(segmentation): max |onnx − reference| = {p}");
            }
        }
        var line = $"{file}: {string.Join("; ", report)}; ops: {string.Join(' ', graph.Operators.Select(o => o.DisplayName).Distinct())}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllTextAsync("/tmp/synthstage_pose_report.txt", line + "\n", TestContext.Current.CancellationToken);
        Assert.Empty(failures);
    }
}
