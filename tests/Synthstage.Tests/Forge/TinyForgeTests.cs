using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Synthstage.Forge;

namespace Synthstage.Tests.Forge;

public class TinyForgeTests(ForgedFolders folders) : IClassFixture<ForgedFolders>
{
    private const string Vocab = "clip/bpe_simple_vocab_16e6.txt.gz";
    private const int Width = 32; // tiny text encoder width = UNet cross-attention width
    private static readonly int[] CatPrompt = [49406, 320, 1125, 539, 320, 2368, 49407];
    private static readonly int[] HelloWorld = [49406, 3306, 1002, 49407];

    private string Fp32()
    {
        SharedData.Require(Vocab);
        return folders.Get("fp32");
    }

    [Fact]
    public void FolderHasDiffusersLayoutAndConfigs()
    {
        var dir = Fp32();
        foreach (var file in new[]
        {
            "model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
            "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json", "text_encoder/model.onnx",
            "unet/model.onnx", "vae_decoder/model.onnx", "vae_encoder/model.onnx", "unet/config.json", "vae_decoder/config.json",
        })
            Assert.True(File.Exists(Path.Combine(dir, file)), file + " missing");
        Assert.Empty(Directory.GetDirectories(folders.Root, ".*"));

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model_index.json")));
        Assert.Equal("OnnxStableDiffusionPipeline", index.RootElement.GetProperty("_class_name").GetString());
        Assert.Equal("PNDMScheduler", index.RootElement.GetProperty("scheduler")[1].GetString());

        using var scheduler = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "scheduler/scheduler_config.json")));
        var s = scheduler.RootElement;
        Assert.Equal(1000, s.GetProperty("num_train_timesteps").GetInt32());
        Assert.Equal(0.00085, s.GetProperty("beta_start").GetDouble());
        Assert.Equal(0.012, s.GetProperty("beta_end").GetDouble());
        Assert.Equal("scaled_linear", s.GetProperty("beta_schedule").GetString());
        Assert.True(s.GetProperty("skip_prk_steps").GetBoolean());
        Assert.False(s.GetProperty("set_alpha_to_one").GetBoolean());
        Assert.Equal(1, s.GetProperty("steps_offset").GetInt32());
        Assert.Equal("epsilon", s.GetProperty("prediction_type").GetString());
        Assert.Equal("leading", s.GetProperty("timestep_spacing").GetString());
        Assert.False(s.GetProperty("clip_sample").GetBoolean());

        using var vae = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "vae_decoder/config.json")));
        Assert.Equal(4, vae.RootElement.GetProperty("block_out_channels").GetArrayLength()); // scale factor 8
        Assert.Equal(0.18215, vae.RootElement.GetProperty("scaling_factor").GetDouble(), 6);
    }

    [Fact]
    public void TokenizerFilesMatchClipVocabulary()
    {
        var dir = Fp32();
        using var vocab = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer/vocab.json")));
        var ids = vocab.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(49408, ids.Count);
        Assert.Equal(Enumerable.Range(0, 49408), ids.Values.Order());
        Assert.Equal(0, ids["!"]);
        Assert.Equal(256, ids["!</w>"]);
        Assert.Equal(320, ids["a</w>"]);
        Assert.Equal(1125, ids["photo</w>"]);
        Assert.Equal(539, ids["of</w>"]);
        Assert.Equal(2368, ids["cat</w>"]);
        Assert.Equal(3306, ids["hello</w>"]);
        Assert.Equal(49406, ids["<|startoftext|>"]);
        Assert.Equal(49407, ids["<|endoftext|>"]);

        var merges = File.ReadAllLines(Path.Combine(dir, "tokenizer/merges.txt"));
        Assert.Equal(48895, merges.Length);
        Assert.Equal("#version: 0.2", merges[0]);
        Assert.Equal("i n", merges[1]);
    }

    [Fact]
    public void InputsAndOutputsHaveSd15NamesDtypesAndShapes()
    {
        var dir = Fp32();
        using (var text = OrtRun.Load(dir, "text_encoder"))
        {
            AssertIo(text.InputMetadata, ("input_ids", TensorElementType.Int32, ["batch", 77]));
            AssertIo(text.OutputMetadata,
                ("last_hidden_state", TensorElementType.Float, ["batch", 77, Width]),
                ("pooler_output", TensorElementType.Float, ["batch", Width]));
        }
        using (var unet = OrtRun.Load(dir, "unet"))
        {
            AssertIo(unet.InputMetadata,
                ("sample", TensorElementType.Float, ["batch", 4, "height", "width"]),
                ("timestep", TensorElementType.Int64, ["batch"]),
                ("encoder_hidden_states", TensorElementType.Float, ["batch", 77, Width]));
            AssertIo(unet.OutputMetadata, ("out_sample", TensorElementType.Float, ["batch", 4, "height", "width"]));
        }
        using (var decoder = OrtRun.Load(dir, "vae_decoder"))
        {
            AssertIo(decoder.InputMetadata, ("latent_sample", TensorElementType.Float, ["batch", 4, "latent_height", "latent_width"]));
            AssertIo(decoder.OutputMetadata, ("sample", TensorElementType.Float, ["batch", 3, "height", "width"]));
        }
        using (var encoder = OrtRun.Load(dir, "vae_encoder"))
        {
            AssertIo(encoder.InputMetadata, ("sample", TensorElementType.Float, ["batch", 3, "height", "width"]));
            AssertIo(encoder.OutputMetadata, ("latent_sample", TensorElementType.Float, ["batch", 4, "latent_height", "latent_width"]));
        }
    }

    [Fact]
    public void TextEncoderPoolsTheFirstEosPerRow()
    {
        using var text = OrtRun.Load(Fp32(), "text_encoder");
        var watch = Stopwatch.StartNew();
        var outputs = OrtRun.Run(text, new Dictionary<string, OrtValue> { ["input_ids"] = Ids32(CatPrompt, HelloWorld) });
        TestContext.Current.TestOutputHelper?.WriteLine($"tiny text encoder batch 2: {watch.ElapsedMilliseconds} ms");

        var (last, lastShape) = outputs["last_hidden_state"];
        var (pooled, pooledShape) = outputs["pooler_output"];
        Assert.Equal([2L, 77, Width], lastShape);
        Assert.Equal([2L, Width], pooledShape);
        OrtRun.AssertFinite(last, "last_hidden_state");
        // Row 0's first EOS is at index 6, row 1's at index 3 (the padding EOS tokens after it are ignored).
        AssertRowEquals(last, (0 * 77 + 6) * Width, pooled, 0);
        AssertRowEquals(last, (1 * 77 + 3) * Width, pooled, Width);
        Assert.NotEqual(last[(0 * 77 + 6) * Width], last[(0 * 77 + 7) * Width]); // causal: later positions differ
    }

    [Fact]
    public void UNetRunsBatchTwoAtSquareAndNonSquareSizes()
    {
        var dir = Fp32();
        var watch = Stopwatch.StartNew();
        using var unet = OrtRun.Load(dir, "unet");
        var load = watch.ElapsedMilliseconds;
        foreach (var (h, w) in new[] { (64, 64), (48, 32) })
        {
            watch.Restart();
            var outputs = OrtRun.Run(unet, UNetInputs(unet, OrtRun.Noise(2 * 4 * h * w, 7), h, w, [999, 999]));
            TestContext.Current.TestOutputHelper?.WriteLine($"tiny UNet load {load} ms; batch 2 at {h}x{w}: {watch.ElapsedMilliseconds} ms");
            var (data, shape) = outputs["out_sample"];
            Assert.Equal([2L, 4, h, w], shape);
            OrtRun.AssertFinite(data, $"out_sample {h}x{w}");
            var rms = MathF.Sqrt(data.Sum(v => v * v) / data.Length);
            Assert.InRange(rms, 0.05f, 10f);
        }
    }

    [Fact]
    public void UNetAcceptsSizesNotDivisibleByItsDownsampling()
    {
        using var unet = OrtRun.Load(Fp32(), "unet");
        var outputs = OrtRun.Run(unet, UNetInputs(unet, OrtRun.Noise(4 * 7 * 9, 3), 7, 9, [10], batch: 1));
        Assert.Equal([1L, 4, 7, 9], outputs["out_sample"].Shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FiftyStepDenoisingLoopStaysFinite(bool fp16)
    {
        SharedData.Require(Vocab);
        var dir = fp16 ? folders.Get("fp16", o => o with { Fp16 = true }) : Fp32();
        using var unet = OrtRun.Load(dir, "unet");
        const int h = 16, w = 16, steps = 50;
        var latents = OrtRun.Noise(2 * 4 * h * w, 11);
        var text = OrtRun.Noise(2 * 77 * Width, 5);
        for (var i = 0; i < steps; i++)
        {
            // Euler-like update on a linear sigma ramp: x ← x − (σ_i − σ_{i+1})·ε, with CFG on the batched call.
            var t = 999 - i * 20;
            var eps = OrtRun.Run(unet, UNetInputs(unet, latents, h, w, [t, t], text: text))["out_sample"].Data;
            var half = eps.Length / 2;
            var dt = 14.6f / steps;
            for (var k = 0; k < half; k++)
            {
                var guided = eps[k] + 7.5f * (eps[half + k] - eps[k]);
                latents[k] -= dt * guided;
                latents[half + k] = latents[k];
            }
            OrtRun.AssertFinite(eps, $"step {i} eps");
        }
        OrtRun.AssertFinite(latents, "final latents");
        Assert.True(latents.Max(MathF.Abs) < 1e4f);
    }

    [Fact]
    public void FourLevelSd15LayoutRunsAtSmallWidth()
    {
        SharedData.Require(Vocab);
        // SD 1.5's own block layout (CrossAttnDown ×3, Down; Up, CrossAttnUp ×3) at test width, with SD 2.x-style
        // fixed-width heads (16 wide: 2 heads at 32 channels, 4 at 64).
        var size = StableDiffusionSize.Tiny with { UNet = new UNetSize([32, 32, 64, 64], 1, 2, Width, AttentionHeadDim: 16) };
        var dir = folders.Get("four-level", o => o with { Size = size });
        using var unet = OrtRun.Load(dir, "unet");
        var outputs = OrtRun.Run(unet, UNetInputs(unet, OrtRun.Noise(2 * 4 * 32 * 24, 8), 32, 24, [999, 999]));
        Assert.Equal([2L, 4, 32, 24], outputs["out_sample"].Shape);
        OrtRun.AssertFinite(outputs["out_sample"].Data, "out_sample");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "unet/config.json")));
        Assert.Equal(["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
            config.RootElement.GetProperty("down_block_types").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
            config.RootElement.GetProperty("up_block_types").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal([2, 2, 4, 4], config.RootElement.GetProperty("attention_head_dim").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void VaeDecodesAndEncodesWithScaleFactorEight()
    {
        var dir = Fp32();
        var watch = Stopwatch.StartNew();
        using var decoder = OrtRun.Load(dir, "vae_decoder");
        var load = watch.ElapsedMilliseconds;
        var image = OrtRun.Run(decoder, new Dictionary<string, OrtValue>
        {
            ["latent_sample"] = OrtRun.Floats(decoder, "latent_sample", OrtRun.Noise(4 * 8 * 8, 2), 1, 4, 8, 8),
        })["sample"];
        Assert.Equal([1L, 3, 64, 64], image.Shape);
        OrtRun.AssertFinite(image.Data, "decoded image");
        TestContext.Current.TestOutputHelper?.WriteLine($"tiny VAE decoder load {load} ms, decode {watch.ElapsedMilliseconds - load} ms");

        using var encoder = OrtRun.Load(dir, "vae_encoder");
        var latent = OrtRun.Run(encoder, new Dictionary<string, OrtValue>
        {
            ["sample"] = OrtRun.Floats(encoder, "sample", image.Data.Select(v => Math.Clamp(v, -1f, 1f)).ToArray(), 1, 3, 64, 64),
        })["latent_sample"];
        Assert.Equal([1L, 4, 8, 8], latent.Shape);
        OrtRun.AssertFinite(latent.Data, "encoded latent");
        TestContext.Current.TestOutputHelper?.WriteLine($"tiny VAE load + decode + load + encode at 64x64: {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Int64IdsAndFloatTimestepVariantRuns()
    {
        SharedData.Require(Vocab);
        var dir = folders.Get("int64-float", o => o with { TextEncoderIdsType = ForgeIdsType.Int64, TimestepType = ForgeTimestepType.Float });
        using var text = OrtRun.Load(dir, "text_encoder");
        Assert.Equal(TensorElementType.Int64, text.InputMetadata["input_ids"].ElementDataType);
        var ids = Padded(CatPrompt).Select(i => (long)i).ToArray();
        var pooled = OrtRun.Run(text, new Dictionary<string, OrtValue> { ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, [1, 77]) });
        AssertRowEquals(pooled["last_hidden_state"].Data, 6 * Width, pooled["pooler_output"].Data, 0);

        using var unet = OrtRun.Load(dir, "unet");
        Assert.Equal(TensorElementType.Float, unet.InputMetadata["timestep"].ElementDataType);
        var outputs = OrtRun.Run(unet, UNetInputs(unet, OrtRun.Noise(2 * 4 * 16 * 16, 1), 16, 16, [500, 1]));
        OrtRun.AssertFinite(outputs["out_sample"].Data, "out_sample");

        // Same seed and sizes: the int64 variant's weights equal the int32 variant's, so the outputs agree.
        using var text32 = OrtRun.Load(Fp32(), "text_encoder");
        var reference = OrtRun.Run(text32, new Dictionary<string, OrtValue> { ["input_ids"] = Ids32(CatPrompt) });
        Assert.Equal(reference["pooler_output"].Data, pooled["pooler_output"].Data);
    }

    [Fact]
    public void Fp16VariantLoadsAndRuns()
    {
        SharedData.Require(Vocab);
        var dir = folders.Get("fp16", o => o with { Fp16 = true });
        using var text = OrtRun.Load(dir, "text_encoder");
        Assert.Equal(TensorElementType.Float16, text.OutputMetadata["last_hidden_state"].ElementDataType);
        var encoded = OrtRun.Run(text, new Dictionary<string, OrtValue> { ["input_ids"] = Ids32(CatPrompt, CatPrompt) });
        OrtRun.AssertFinite(encoded["last_hidden_state"].Data, "fp16 last_hidden_state");
        AssertRowEquals(encoded["last_hidden_state"].Data, 6 * Width, encoded["pooler_output"].Data, 0);

        using var unet = OrtRun.Load(dir, "unet");
        AssertIo(unet.InputMetadata,
            ("sample", TensorElementType.Float16, ["batch", 4, "height", "width"]),
            ("timestep", TensorElementType.Int64, ["batch"]),
            ("encoder_hidden_states", TensorElementType.Float16, ["batch", 77, Width]));
        var eps = OrtRun.Run(unet, UNetInputs(unet, OrtRun.Noise(2 * 4 * 32 * 32, 9), 32, 32, [999, 999], text: encoded["last_hidden_state"].Data))["out_sample"];
        Assert.Equal([2L, 4, 32, 32], eps.Shape);
        OrtRun.AssertFinite(eps.Data, "fp16 out_sample");

        // The fp16 UNet follows the fp32 one (same seed): weights differ only by rounding.
        using var unet32 = OrtRun.Load(Fp32(), "unet");
        var eps32 = OrtRun.Run(unet32, UNetInputs(unet32, OrtRun.Noise(2 * 4 * 32 * 32, 9), 32, 32, [999, 999], text: encoded["last_hidden_state"].Data))["out_sample"];
        var maxDiff = eps.Data.Zip(eps32.Data, (a, b) => MathF.Abs(a - b)).Max();
        TestContext.Current.TestOutputHelper?.WriteLine($"fp16 vs fp32 UNet max abs diff {maxDiff}");
        Assert.True(maxDiff < 0.1f, $"fp16 vs fp32 max abs diff {maxDiff}");

        using var decoder = OrtRun.Load(dir, "vae_decoder");
        var image = OrtRun.Run(decoder, new Dictionary<string, OrtValue>
        {
            ["latent_sample"] = OrtRun.Floats(decoder, "latent_sample", OrtRun.Noise(4 * 8 * 8, 2), 1, 4, 8, 8),
        })["sample"];
        Assert.Equal([1L, 3, 64, 64], image.Shape);
        OrtRun.AssertFinite(image.Data, "fp16 image");
        using var encoder = OrtRun.Load(dir, "vae_encoder");
        var latent = OrtRun.Run(encoder, new Dictionary<string, OrtValue>
        {
            ["sample"] = OrtRun.Floats(encoder, "sample", image.Data, 1, 3, 64, 64),
        })["latent_sample"];
        OrtRun.AssertFinite(latent.Data, "fp16 latent");
    }

    [Fact]
    public void ParameterInitializersInFilesEqualTheCounts()
    {
        var dir = Fp32();
        var counts = StableDiffusionForge.CountParameters(StableDiffusionSize.Tiny);
        var expected = new Dictionary<string, long>
        {
            ["text_encoder"] = counts.TextEncoder, ["unet"] = counts.UNet,
            ["vae_encoder"] = counts.VaeEncoder, ["vae_decoder"] = counts.VaeDecoder,
        };
        foreach (var (model, count) in expected)
        {
            var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, model, "model.onnx")));
            var parameters = proto.Graph.Initializer.Where(t => !t.Name.StartsWith("const.", StringComparison.Ordinal))
                .Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));
            Assert.Equal(count, parameters);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"tiny counts: {counts}");
    }

    [Fact]
    public async Task ExternalDataModelsLoadAndAgreeWithInlineOnes()
    {
        SharedData.Require(Vocab);
        var dir = Path.Combine(folders.Root, "external");
        await StableDiffusionForge.WriteCoreAsync(
            new ForgeOptions { OutputDirectory = dir, VocabularySource = SharedData.Require(Vocab), Seed = 1234 },
            null, TestContext.Current.CancellationToken, freeSpace: null, inlineLimitBytes: 1 << 20);
        Assert.True(File.Exists(Path.Combine(dir, "unet", StableDiffusionForge.ExternalDataFileName)));
        Assert.True(File.Exists(Path.Combine(dir, "text_encoder", StableDiffusionForge.ExternalDataFileName)));
        Assert.True(new FileInfo(Path.Combine(dir, "unet", "model.onnx")).Length < 1 << 20);

        using var external = OrtRun.Load(dir, "unet");
        using var inline = OrtRun.Load(Fp32(), "unet");
        var a = OrtRun.Run(external, UNetInputs(external, OrtRun.Noise(4 * 16 * 16, 4), 16, 16, [300], batch: 1))["out_sample"].Data;
        var b = OrtRun.Run(inline, UNetInputs(inline, OrtRun.Noise(4 * 16 * 16, 4), 16, 16, [300], batch: 1))["out_sample"].Data;
        Assert.Equal(b, a);

        // fp16 weights through the external-data path (the full fp32 UNet's path, at half precision).
        var dir16 = Path.Combine(folders.Root, "external-fp16");
        await StableDiffusionForge.WriteCoreAsync(
            new ForgeOptions { OutputDirectory = dir16, VocabularySource = SharedData.Require(Vocab), Seed = 1234, Fp16 = true },
            null, TestContext.Current.CancellationToken, freeSpace: null, inlineLimitBytes: 1 << 20);
        Assert.True(File.Exists(Path.Combine(dir16, "unet", StableDiffusionForge.ExternalDataFileName)));
        using var external16 = OrtRun.Load(dir16, "unet");
        var c = OrtRun.Run(external16, UNetInputs(external16, OrtRun.Noise(4 * 16 * 16, 4), 16, 16, [300], batch: 1))["out_sample"].Data;
        Assert.True(c.Zip(b, (x, y) => MathF.Abs(x - y)).Max() < 0.1f);
    }

    // ---- helpers ----

    private static int[] Padded(int[] ids) => [.. ids, .. Enumerable.Repeat(49407, 77 - ids.Length)];

    private static OrtValue Ids32(params int[][] rows) =>
        OrtValue.CreateTensorValueFromMemory(rows.SelectMany(Padded).ToArray(), [rows.Length, 77]);

    private static Dictionary<string, OrtValue> UNetInputs(InferenceSession unet, float[] latents, int h, int w, int[] timesteps,
        float[]? text = null, int batch = 2)
    {
        var timestep = unet.InputMetadata["timestep"].ElementDataType switch
        {
            TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(timesteps.Select(t => (long)t).ToArray(), [batch]),
            _ => OrtRun.Floats(unet, "timestep", timesteps.Select(t => (float)t).ToArray(), batch),
        };
        return new()
        {
            ["sample"] = OrtRun.Floats(unet, "sample", latents, batch, 4, h, w),
            ["timestep"] = timestep,
            ["encoder_hidden_states"] = OrtRun.Floats(unet, "encoder_hidden_states", text ?? OrtRun.Noise(batch * 77 * Width, 5), batch, 77, Width),
        };
    }

    private static void AssertRowEquals(float[] hidden, int hiddenOffset, float[] pooled, int pooledOffset)
    {
        for (var i = 0; i < Width; i++)
            Assert.Equal(hidden[hiddenOffset + i], pooled[pooledOffset + i], 6);
    }

    private static void AssertIo(IReadOnlyDictionary<string, NodeMetadata> metadata, params (string Name, TensorElementType Type, object[] Dims)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Name).Order(), metadata.Keys.Order());
        foreach (var (name, type, dims) in expected)
        {
            var m = metadata[name];
            Assert.Equal(type, m.ElementDataType);
            Assert.Equal(dims.Length, m.Dimensions.Length);
            for (var i = 0; i < dims.Length; i++)
            {
                if (dims[i] is string symbol)
                {
                    Assert.Equal(-1, m.Dimensions[i]);
                    Assert.Equal(symbol, m.SymbolicDimensions[i]);
                }
                else Assert.Equal((int)dims[i], m.Dimensions[i]);
            }
        }
    }
}
