using Synthstage.Onnx;
using Synthstage.Segmentation;

namespace Synthstage.Tests.Segmentation;

public class SegmentationModelResolverTests
{
    [Theory]
    [InlineData("auto", 1280, 720, "general")]
    [InlineData("auto", 720, 1280, "general")]
    [InlineData("mediapipe-selfie", 1280, 720, "general")]
    [InlineData("Person", 1920, 1080, "person")]
    [InlineData("General", 1920, 1080, "general")]
    [InlineData("my.onnx", 1920, 1080, "my.onnx")]
    public void ChoosesTheModelByName(string model, int width, int height, string expected) =>
        Assert.Equal(expected, SegmentationModelResolver.ChooseVariant(model, width, height));

    [Fact]
    public async Task AFolderWithOneGraphIsUsedAndAnUnknownNameIsAUsageError()
    {
        var store = await TestModels.RequireSelfieStoreAsync();
        var dir = Directory.CreateTempSubdirectory("ss-seg-").FullName;
        try
        {
            File.Copy(SelfieModelInstaller.ModelPath(store, "general"), Path.Combine(dir, "model.onnx"));
            using var segmenter = await SegmentationModelResolver.CreateAsync(dir, 640, 480, store, new SessionOptionsSpec(), null, TestContext.Current.CancellationToken);
            Assert.Equal((256, 256), (segmenter.MaskWidth, segmenter.MaskHeight));

            var ex = await Assert.ThrowsAsync<SynthstageException>(() => SegmentationModelResolver.CreateAsync(
                "no-such-model", 640, 480, store, new SessionOptionsSpec(), null, TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.Usage, ex.ExitCode);
            Assert.Contains("use auto, general, landscape, pose-lite, pose-full, pose-heavy, person, person-lite, isnet, isnet-512, or an .onnx file", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task InstallFromLocalFilesRecognisesEachVariant()
    {
        var general = await Tflite.SelfieSegmentationImportTests.RequireModelAsync(Tflite.SelfieSegmentationImportTests.GeneralFile);
        var landscape = await Tflite.SelfieSegmentationImportTests.RequireModelAsync(Tflite.SelfieSegmentationImportTests.LandscapeFile);
        var root = Directory.CreateTempSubdirectory("ss-store-").FullName;
        try
        {
            var store = new Synthstage.Models.ModelStore(root);
            var installed = await SelfieModelInstaller.InstallAsync(store, [landscape, general], null, TestContext.Current.CancellationToken);
            Assert.Equal([SelfieModelInstaller.ModelPath(store, "landscape"), SelfieModelInstaller.ModelPath(store, "general")], installed);
            Assert.All(installed, path => Assert.True(new FileInfo(path).Length > 100_000));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
