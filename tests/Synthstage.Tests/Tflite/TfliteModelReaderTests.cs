using Synthstage.Tflite;

namespace Synthstage.Tests.Tflite;

public class TfliteModelReaderTests
{
    [Fact]
    public async Task ReadsTheSelfieModelStructure()
    {
        var path = await SelfieSegmentationImportTests.RequireModelAsync(SelfieSegmentationImportTests.GeneralFile);
        var model = TfliteModelReader.Read(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        var graph = Assert.Single(model.SubGraphs);
        Assert.Equal(3, model.Version);
        Assert.Equal("input_1", graph.Tensors[graph.Inputs[0]].Name);
        Assert.Equal("activation_10", graph.Tensors[graph.Outputs[0]].Name);
        Assert.Equal(246, graph.Operators.Count);
        var first = graph.Operators.First(o => o.Code == TfliteBuiltinOperator.CONV_2D);
        Assert.Equal(new Conv2DOptions(TflitePadding.Same, 2, 2, TfliteActivation.None), first.Options);
        var kernel = graph.Tensors[first.Inputs[1]];
        Assert.Equal(TfliteTensorType.Float32, kernel.Type); // the DEQUANTIZE output; its input holds the fp16 data
        var transpose = graph.Operators.Single(o => o.Code == TfliteBuiltinOperator.CUSTOM);
        Assert.Equal("Convolution2DTransposeBias", transpose.CustomCode);
        Assert.Equal(new TransposeConvOptions(TflitePadding.Same, 2, 2), transpose.Options);
    }

    [Fact]
    public async Task CorruptedModelsFailWithSynthstageExceptionOnly()
    {
        var path = await SelfieSegmentationImportTests.RequireModelAsync(SelfieSegmentationImportTests.GeneralFile);
        var original = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        var random = new Random(7);
        int failures = 0, successes = 0;
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("SYNTHSTAGE_FUZZ_ITERATIONS"), out var n) ? n : 300;
        for (var i = 0; i < iterations; i++)
        {
            var bytes = (byte[])original.Clone();
            // Corrupt a few bytes; bias toward the tables (the end of the file) rather than the weight payloads.
            for (var j = 0; j < 4; j++)
            {
                var at = random.Next(3) == 0 ? random.Next(8, bytes.Length) : bytes.Length - 1 - random.Next(40000);
                bytes[at] = (byte)random.Next(256);
            }
            try
            {
                TfliteImporter.ConvertToOnnx(bytes);
                successes++;
            }
            catch (SynthstageException e)
            {
                Assert.Equal(ExitCodes.BadModel, e.ExitCode);
                failures++;
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{failures} rejected, {successes} converted");
        Assert.True(failures > 0);
    }
}
