using Microsoft.ML.OnnxRuntime.Tensors;
using Synthstage.Diffusion.Models;

namespace Synthstage.Tests.Diffusion.Models;

public class StableDiffusionModelTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    [Fact]
    public void ReadsMetadataOfTheDefaultExport()
    {
        var model = models.Get("fp32");
        Assert.Equal(TensorElementType.Int32, model.TextEncoder.IdsType);
        Assert.Equal(77, model.TextEncoder.SequenceLength);
        Assert.Equal(TensorElementType.Float, model.UNet.SampleType);
        Assert.Equal(TensorElementType.Int64, model.UNet.TimestepType);
        Assert.False(model.UNet.ScalarTimestep);
        Assert.Null(model.UNet.StaticBatch);
        Assert.Equal(4, model.UNet.LatentChannels);
        Assert.Equal(0.18215f, model.ScalingFactor);
        Assert.True(model.HasVaeEncoder);
        Assert.Equal("PNDMScheduler", model.SchedulerConfig.ClassName);
    }

    [Fact]
    public void ReadsMetadataOfVariants()
    {
        var variant = models.Get("int64-float");
        Assert.Equal(TensorElementType.Int64, variant.TextEncoder.IdsType);
        Assert.Equal(TensorElementType.Float, variant.UNet.TimestepType);
        var fp16 = models.Get("fp16");
        Assert.Equal(TensorElementType.Float16, fp16.UNet.SampleType);
        Assert.Equal(TensorElementType.Float16, fp16.UNet.HiddenStatesType);
        Assert.Equal(1, models.Get("static1").UNet.StaticBatch);
    }

    [Fact]
    public void BindingOnStaticBatchOneSplitsGuidanceIntoTwoCalls()
    {
        using var batched = models.Get("fp32").UNet.Bind(2, 8, 8, 77, 32);
        Assert.Equal(1, batched.CallsPerStep);
        using var forced = models.Get("fp32").UNet.Bind(2, 8, 8, 77, 32, separateCalls: true);
        Assert.Equal(2, forced.CallsPerStep);
        using var split = models.Get("static1").UNet.Bind(2, 8, 8, 77, 32);
        Assert.Equal(2, split.CallsPerStep);
    }

    [Fact]
    public void MissingFolderIsNamed()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ss-no-such-model-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<SynthstageException>(() => StableDiffusionModel.Load(missing, TinyDiffusionModels.Spec));
        Assert.Contains(missing, e.Message);
        Assert.Equal(ExitCodes.BadModel, e.ExitCode);
    }

    [Theory]
    [InlineData("unet/model.onnx")]
    [InlineData("text_encoder/model.onnx")]
    [InlineData("vae_decoder/model.onnx")]
    [InlineData("scheduler/scheduler_config.json")]
    [InlineData("model_index.json")]
    public void MissingFileIsNamed(string file)
    {
        var folder = CopyOfTiny();
        File.Delete(Path.Combine(folder, file));
        var e = Assert.Throws<SynthstageException>(() => StableDiffusionModel.Load(folder, TinyDiffusionModels.Spec));
        Assert.Contains(Path.Combine(folder, file), e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Theory]
    [InlineData("unet/model.onnx")]
    [InlineData("text_encoder/model.onnx")]
    [InlineData("vae_decoder/model.onnx")]
    public void CorruptModelIsNamed(string file)
    {
        var folder = CopyOfTiny();
        var path = Path.Combine(folder, file);
        File.WriteAllBytes(path, [.. File.ReadAllBytes(path).Take(1000), 1, 2, 3]);
        var e = Assert.Throws<SynthstageException>(() => StableDiffusionModel.Load(folder, TinyDiffusionModels.Spec));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a valid ONNX model", e.Message);
    }

    [Fact]
    public void WrongModelInAPlaceIsNamed()
    {
        var folder = CopyOfTiny();
        // A VAE decoder where the UNet belongs: loads, but has the wrong inputs.
        File.Copy(Path.Combine(folder, "vae_decoder", "model.onnx"), Path.Combine(folder, "unet", "model.onnx"), overwrite: true);
        var e = Assert.Throws<SynthstageException>(() => StableDiffusionModel.Load(folder, TinyDiffusionModels.Spec));
        Assert.Contains(Path.Combine(folder, "unet", "model.onnx"), e.Message);
        Assert.Contains("expected an SD UNet", e.Message);
    }

    [Fact]
    public void CorruptJsonIsNamed()
    {
        var folder = CopyOfTiny();
        var path = Path.Combine(folder, "vae_decoder", "config.json");
        File.WriteAllText(path, "{ \"scaling_factor\": ");
        var e = Assert.Throws<SynthstageException>(() => StableDiffusionModel.Load(folder, TinyDiffusionModels.Spec));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ScalingFactorComesFromTheVaeConfig()
    {
        var folder = CopyOfTiny();
        var path = Path.Combine(folder, "vae_decoder", "config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("0.18215", "0.13025"));
        using var model = StableDiffusionModel.Load(folder, TinyDiffusionModels.Spec);
        Assert.Equal(0.13025f, model.ScalingFactor);
    }

    [Fact]
    public void OptimizedModelCacheIsWrittenOnceAndGivesTheSameImage()
    {
        var folder = CopyOfTiny();
        var cache = Path.Combine(models.NewTempFolder(), "cache");
        var spec = TinyDiffusionModels.Spec with { OptimizedModelCacheFolder = cache };
        var options = new Synthstage.Diffusion.Pipelines.StableDiffusionOptions { Prompt = "a cat", Steps = 2, Width = 32, Height = 32, Seed = 5 };
        byte[] Generate(Synthstage.Onnx.SessionOptionsSpec s)
        {
            using var model = StableDiffusionModel.Load(folder, s);
            using var pipeline = new Synthstage.Diffusion.Pipelines.StableDiffusionPipeline(model);
            return pipeline.Generate(options, null, TestContext.Current.CancellationToken).Single().Image.Pixels;
        }
        var uncached = Generate(TinyDiffusionModels.Spec);
        var first = Generate(spec);
        var entries = Directory.GetDirectories(cache);
        Assert.Equal(3, entries.Length); // text encoder, UNet, VAE decoder
        Assert.All(entries, e => Assert.True(File.Exists(Path.Combine(e, "model.onnx"))));
        var times = entries.Select(e => File.GetLastWriteTimeUtc(Path.Combine(e, "model.onnx"))).ToArray();
        var second = Generate(spec);
        Assert.Equal(times, entries.Select(e => File.GetLastWriteTimeUtc(Path.Combine(e, "model.onnx"))));
        Assert.True(MaxDiff(uncached, first) <= 1, "cached optimisation changed the image");
        Assert.Equal(first, second);
    }

    private static int MaxDiff(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private string CopyOfTiny()
    {
        var source = models.Folder("fp32");
        var target = Path.Combine(models.NewTempFolder(), "model");
        TinyDiffusionModels.CopyDirectory(source, target);
        return target;
    }
}
