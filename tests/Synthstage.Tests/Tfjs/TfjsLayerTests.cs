using Onnx;
using Synthstage.Tfjs;
using static Synthstage.Tests.Tfjs.TfjsReferenceForward;

namespace Synthstage.Tests.Tfjs;

/// <summary>Each supported Keras layer, imported and run in ONNX Runtime, against the direct-loop reference (max |diff| ≤ 1e-4).</summary>
public class TfjsLayerTests
{
    private const float Tolerance = 1e-4f;

    private static void AssertMatchesReference(TfjsTestModel model, string output, int h, int w, int channels, int seed = 7)
    {
        var path = model.Save(output);
        try
        {
            var input = Random(h, w, channels, seed);
            TfjsOnnxRun.AssertClose(TfjsReferenceForward.Run(path, input), TfjsOnnxRun.Run(path, input), Tolerance);
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    [Theory]
    [InlineData(1, "same", "linear", true)]
    [InlineData(3, "same", "relu", true)]
    [InlineData(5, "same", "linear", false)]
    [InlineData(1, "valid", "relu", true)]
    [InlineData(3, "valid", "linear", true)]
    [InlineData(5, "valid", "relu", false)]
    public void Conv2D(int kernel, string padding, string activation, bool useBias)
    {
        var m = new TfjsTestModel();
        var y = m.Conv2D(m.Input(3), filters: 5, kernel, padding, activation, useBias);
        AssertMatchesReference(m, y, 9, 7, 3);
    }

    [Fact]
    public void Conv2DWithReluChangesTheResult()
    {
        // Guards the reference itself: the relu case must differ from linear, or the Conv2D relu rows prove nothing.
        var input = Random(6, 6, 3, 3);
        var kernel = (new[] { 3, 3, 3, 2 }, Enumerable.Range(0, 54).Select(i => (float)Math.Sin(i)).ToArray());
        var linear = TfjsReferenceForward.Conv2D(input, kernel, null, "same", "linear");
        var relu = TfjsReferenceForward.Conv2D(input, kernel, null, "same", "relu");
        Assert.Contains(linear.Data, v => v < -0.1f);
        Assert.DoesNotContain(relu.Data, v => v < 0);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void ConcatenateAlongChannels(int axis)
    {
        var m = new TfjsTestModel();
        var x = m.Input(3);
        var a = m.Conv2D(x, 4, 3);
        var b = m.Conv2D(x, 2, 1);
        AssertMatchesReference(m, m.Concatenate([x, a, b], axis), 6, 8, 3);
    }

    [Fact]
    public void AddOfThreeInputs()
    {
        var m = new TfjsTestModel();
        var x = m.Input(4);
        AssertMatchesReference(m, m.AddLayer([x, m.Conv2D(x, 4, 3), m.Conv2D(x, 4, 1)]), 5, 6, 4);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(2, 3)]
    public void UpSampling2DNearest(int sh, int sw)
    {
        var m = new TfjsTestModel();
        var x = m.Input(3);
        AssertMatchesReference(m, m.UpSampling2D(m.Conv2D(x, 3, 3), sh, sw), 5, 4, 3);
    }

    [Fact]
    public void ActivationAndReLULayers()
    {
        var m = new TfjsTestModel();
        var x = m.Input(3);
        AssertMatchesReference(m, m.ReLU(m.Conv2D(m.Activation(m.Conv2D(x, 6, 3), "relu"), 3, 3)), 7, 5, 3);
    }

    [Fact]
    public void DynamicSizeAndScaledValues()
    {
        // One graph runs at several sizes; InputScale/OutputScale wrap a 0..255 model into a 0..1 one.
        var m = new TfjsTestModel();
        var y = m.UpSampling2D(m.Conv2D(m.Conv2D(m.Input(3), 4, 3, activation: "relu"), 3, 5), 2, 2);
        var path = m.Save(y);
        try
        {
            var onnx = TfjsImporter.ConvertToOnnx(path, new TfjsImportOptions { InputScale = 255f, OutputScale = 1 / 255f });
            foreach (var (h, w) in new[] { (4, 6), (9, 3) })
            {
                var input = Random(h, w, 3, h);
                var scaled = input with { Data = input.Data.Select(v => v * 255f).ToArray() };
                var expected = TfjsReferenceForward.Run(path, scaled);
                expected = expected with { Data = expected.Data.Select(v => v / 255f).ToArray() };
                TfjsOnnxRun.AssertClose(expected, TfjsOnnxRun.Run(onnx, input), Tolerance);
            }
            var model = ModelProto.Parser.ParseFrom(onnx);
            Assert.Equal("2", model.MetadataProps.Single(p => p.Key == TfjsImporter.UpscaleFactorKey).Value);
            // Radii 1 + 2 input pixels.
            Assert.Equal("3", model.MetadataProps.Single(p => p.Key == TfjsImporter.ReceptiveRadiusKey).Value);
            Assert.Equal(["Transpose"], model.Graph.Node.Take(1).Select(n => n.OpType));
            Assert.Equal("height", model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimParam);
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    [Fact]
    public void ConvertWritesTheFileAndLeavesNoPartial()
    {
        var m = new TfjsTestModel();
        var path = m.Save(m.Conv2D(m.Input(3), 2, 3));
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            var output = Path.Combine(folder, "model.onnx");
            TfjsImporter.Convert(path, output);
            var input = Random(4, 4, 3, 1);
            TfjsOnnxRun.AssertClose(TfjsReferenceForward.Run(path, input), TfjsOnnxRun.Run(File.ReadAllBytes(output), input), Tolerance);
            Assert.Empty(Directory.GetFiles(folder, "*.partial"));
        }
        finally { Directory.Delete(folder, true); }
    }
}
