using System.Collections.Concurrent;
using Google.Protobuf;
using Onnx;
using Synthstage.Diffusion.Models;
using Synthstage.Forge;
using Synthstage.Onnx;
using Synthstage.Tests.Forge;

namespace Synthstage.Tests.Diffusion.Models;

/// <summary>
/// Tiny forged SD folders (fp32, fp16, int64 ids + float timestep, static batch 1) loaded once per test class.
/// Tests call <see cref="Get"/>, which skips without the CLIP vocabulary.
/// </summary>
public sealed class TinyDiffusionModels : IDisposable
{
    public const string Vocab = "clip/bpe_simple_vocab_16e6.txt.gz";

    private readonly ForgedFolders _folders = new();
    private readonly ConcurrentDictionary<string, Lazy<StableDiffusionModel>> _models = new();

    public static readonly SessionOptionsSpec Spec = new(ExecutionDevice.Cpu, IntraOpThreads: 1);

    /// <summary>Forged folder of a variant: fp32, fp16, int64-float, static1, vae-scale-0.5.</summary>
    public string Folder(string variant)
    {
        SharedData.Require(Vocab);
        return variant switch
        {
            "fp32" => _folders.Get("fp32"),
            "fp16" => _folders.Get("fp16", o => o with { Fp16 = true }),
            "int64-float" => _folders.Get("int64-float", o => o with { TextEncoderIdsType = ForgeIdsType.Int64, TimestepType = ForgeTimestepType.Float }),
            "static1" => StaticBatchCopy(),
            // A VAE scaling factor other than SD's default, so a pipeline that ignored config.json would show.
            "vae-scale-0.5" => _folders.Get("vae-scale-0.5", o => o with
            {
                Size = StableDiffusionSize.Tiny with { Vae = VaeSize.Tiny with { ScalingFactor = 0.5f } },
            }),
            _ => throw new ArgumentException(variant),
        };
    }

    /// <summary>The loaded model of a variant, shared by the tests of a class.</summary>
    public StableDiffusionModel Get(string variant)
    {
        var folder = Folder(variant);
        return _models.GetOrAdd(variant, _ => new Lazy<StableDiffusionModel>(() => StableDiffusionModel.Load(folder, Spec))).Value;
    }

    /// <summary>A copy of the fp32 folder whose UNet declares a static batch of 1 on every input and output.</summary>
    private string StaticBatchCopy()
    {
        var source = _folders.Get("fp32");
        var target = Path.Combine(_folders.Root, "static1");
        lock (_models)
        {
            if (Directory.Exists(target)) return target;
            var temp = target + ".partial";
            CopyDirectory(source, temp);
            var unet = Path.Combine(temp, "unet", "model.onnx");
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(unet));
            foreach (var value in model.Graph.Input.Concat(model.Graph.Output))
            {
                var dims = value.Type.TensorType.Shape.Dim;
                if (dims.Count > 0) dims[0] = new TensorShapeProto.Types.Dimension { DimValue = 1 };
            }
            File.WriteAllBytes(unet, model.ToByteArray());
            Directory.Move(temp, target);
            return target;
        }
    }

    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(source, target));
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(source, target));
    }

    public string NewTempFolder() => Directory.CreateDirectory(Path.Combine(_folders.Root, "tmp-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        foreach (var model in _models.Values.Where(m => m.IsValueCreated)) model.Value.Dispose();
        _folders.Dispose();
    }
}
