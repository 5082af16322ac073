using Synthstage.Imaging;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Walks;

namespace Synthstage.Tests.Walks;

/// <summary>Walk videos carry provenance: watermarked frames, a signed manifest naming the prompts, seeds and UNet.</summary>
public sealed class WalkProvenanceTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    [Fact]
    public async Task AWalkIsWatermarkedAndItsManifestNamesPromptsSeedsAndTheUNet()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var keys = new SigningKeyStore(Path.Combine(dir, "keys"));
        var options = new WalkOptions
        {
            Keyframes = [new("a cat", 7, "blurry"), new("a dog", 8)],
            FramesPerSegment = 11, Width = 256, Height = 128, Steps = 2, FrameRate = 12,
            OutputPath = Path.Combine(dir, "walk.mp4"), FramesFolder = Path.Combine(dir, "frames"),
            Provenance = new ProvenanceOptions { KeyStore = keys, Label = "AI-generated" },
        };
        var model = models.Folder("fp32");
        await WalkJob.RunAsync(model, TinyDiffusionModels.Spec, options, ct: TestContext.Current.CancellationToken);

        var report = await ProvenanceVerifier.VerifyAsync(options.OutputPath, keys, ct: TestContext.Current.CancellationToken);
        Assert.True(Assert.Single(report.Credentials.Manifests).Intact);
        var manifest = report.TrustedManifest!;
        Assert.Equal("walk", manifest.Command);
        Assert.Equal([new PromptRecord("keyframe 1", "a cat", "blurry"), new PromptRecord("keyframe 2", "a dog")], manifest.Prompts);
        Assert.Equal([7UL, 8UL], manifest.Seeds);
        var unet = Assert.Single(manifest.Models);
        Assert.Equal(("unet", "model.onnx"), (unet.Role, unet.File));
        Assert.Equal((await FileDigest.ComputeAsync(Path.Combine(model, "unet", "model.onnx"), TestContext.Current.CancellationToken)).Sha256, unet.Sha256);
        Assert.Equal("synthetic", Assert.Single(manifest.Parts).Origin);
        Assert.Equal("AI-generated", manifest.Label);
        Assert.True(manifest.Watermark.Embedded);
        Assert.Equal(manifest.ContentId[..8], manifest.Watermark.Payload);
        // The kept PNG frames are the video's frames: marked too (the unmarked walk differs from them).
        var unmarked = options with { OutputPath = Path.Combine(dir, "plain.mp4"), FramesFolder = Path.Combine(dir, "plain"), Provenance = ProvenanceOptions.None };
        await WalkJob.RunAsync(model, TinyDiffusionModels.Spec, unmarked, ct: TestContext.Current.CancellationToken);
        Assert.Empty((await Synthstage.Provenance.C2pa.C2paStoreLocator.FindAsync(unmarked.OutputPath, TestContext.Current.CancellationToken)).Stores);
        var marked = RgbImage.Load(Path.Combine(dir, "frames", "frame_000005.png")).Pixels;
        var plain = RgbImage.Load(Path.Combine(dir, "plain", "frame_000005.png")).Pixels;
        Assert.False(marked.AsSpan().SequenceEqual(plain));
        // Exactly the manifest's stamp: the unmarked frame stamped with its content id (watermark payload + label) is the marked frame.
        // (The tiny model's saturated noise frames leave the watermark too little room to be read back; VerifyTests cover detection.)
        OutputStamp.Create(options.Provenance, 256, 128, 3, manifest.ContentId).Apply(plain);
        Assert.True(marked.AsSpan().SequenceEqual(plain), "the marked frame is not the unmarked frame with the manifest's stamp");
    }
}
