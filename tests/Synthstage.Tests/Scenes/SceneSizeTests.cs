using Synthstage.Scenes;

namespace Synthstage.Tests.Scenes;

public sealed class SceneSizeTests
{
    [Theory]
    [InlineData(512 * 512, 16.0 / 9, 64, 704, 384)]
    [InlineData(512 * 512, 9.0 / 16, 64, 384, 704)]
    [InlineData(512 * 512, 1.0, 64, 512, 512)]
    [InlineData(256 * 256, 16.0 / 9, 16, 336, 192)]
    [InlineData(768 * 768, 4.0 / 3, 64, 896, 640)]
    public void PicksNativePixelsAtTheAspect(long pixels, double aspect, int alignment, int width, int height) =>
        Assert.Equal((width, height), SceneSize.Choose(pixels, aspect, alignment));

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    public void SidesAreAlignedAndCloseInAreaAndAspect(int alignment)
    {
        foreach (var aspect in new[] { 0.5, 0.5625, 0.75, 1.0, 1.25, 1.5, 1.7778, 2.0, 2.35 })
        {
            var (w, h) = SceneSize.Choose(512 * 512, aspect, alignment);
            Assert.Equal(0, w % alignment);
            Assert.Equal(0, h % alignment);
            Assert.InRange((double)w * h / (512 * 512), 0.85, 1.15);
            Assert.InRange((double)w / h / aspect, 0.9, 1.1);
        }
    }

    [Fact]
    public void ForgedTinyModelIs256PixelsWithSixteenPixelAlignment()
    {
        using var forged = new Forge.ForgedFolders();
        var config = SceneModelConfig.Read(forged.Get("tiny"));
        Assert.Equal((256, 256, 8, 16), (config.NativeWidth, config.NativeHeight, config.VaeScale, config.Alignment));
        Assert.Null(config.Note);
    }

    [Fact]
    public void ReadsSampleSizeAndLevelsFromConfigAndAssumesSd15WithoutThem()
    {
        var dir = Directory.CreateTempSubdirectory("ss-scene-config-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "unet"));
            Directory.CreateDirectory(Path.Combine(dir, "vae_decoder"));
            File.WriteAllText(Path.Combine(dir, "unet", "config.json"), """{ "sample_size": 96, "block_out_channels": [320, 640, 1280, 1280] }""");
            File.WriteAllText(Path.Combine(dir, "vae_decoder", "config.json"), """{ "block_out_channels": [128, 256, 512, 512] }""");
            var sd21 = SceneModelConfig.Read(dir);
            Assert.Equal((768, 768, 8, 64), (sd21.NativeWidth, sd21.NativeHeight, sd21.VaeScale, sd21.Alignment));

            File.Delete(Path.Combine(dir, "unet", "config.json"));
            File.Delete(Path.Combine(dir, "vae_decoder", "config.json"));
            var assumed = SceneModelConfig.Read(dir);
            Assert.Equal((512, 512, 64), (assumed.NativeWidth, assumed.NativeHeight, assumed.Alignment));
            Assert.Contains("no sample_size", assumed.Note);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
