using Synthstage.Forge;

namespace Synthstage.Tests.Forge;

public sealed class ForgeBadInputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ss-forge-bad-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ForgeOptions Options(string name) => new()
    {
        OutputDirectory = Path.Combine(_root, name),
        VocabularySource = SharedData.Require("clip/bpe_simple_vocab_16e6.txt.gz"),
    };

    [Fact]
    public async Task NonEmptyOutputWithoutForceIsRefusedAndKept()
    {
        var options = Options("taken");
        Directory.CreateDirectory(options.OutputDirectory);
        var keep = Path.Combine(options.OutputDirectory, "keep.txt");
        await File.WriteAllTextAsync(keep, "mine", TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<SynthstageException>(() => StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken));
        Assert.Contains("not empty", e.Message);
        Assert.Contains("--force", e.Message);
        Assert.Equal(ExitCodes.BadOutput, e.ExitCode);
        Assert.Equal("mine", await File.ReadAllTextAsync(keep, TestContext.Current.CancellationToken));
        AssertOnlyEntries("taken");
    }

    [Fact]
    public async Task ForceReplacesANonEmptyOutput()
    {
        var options = Options("replaced") with { Force = true };
        Directory.CreateDirectory(options.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "old.txt"), "old", TestContext.Current.CancellationToken);

        await StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken);
        Assert.False(File.Exists(Path.Combine(options.OutputDirectory, "old.txt")));
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, "unet", "model.onnx")));
        AssertOnlyEntries("replaced");
    }

    [Fact]
    public async Task EmptyOutputFolderIsUsed()
    {
        var options = Options("empty");
        Directory.CreateDirectory(options.OutputDirectory);
        await StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken);
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, "model_index.json")));
    }

    [Fact]
    public async Task UnknownArchitectureIsRefusedBeforeAnythingIsWritten()
    {
        var options = Options("sdxl") with { Architecture = "sdxl" };
        var e = await Assert.ThrowsAsync<SynthstageException>(() => StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken));
        Assert.Contains("'sdxl'", e.Message);
        Assert.Contains("sd15", e.Message);
        AssertOnlyEntries();
    }

    [Fact]
    public async Task UnknownScaleIsRefused()
    {
        var e = Assert.Throws<SynthstageException>(() => StableDiffusionSize.Preset("sd15", "huge"));
        Assert.Contains("'huge'", e.Message);
        Assert.Contains("tiny, full", e.Message);
        Assert.Throws<SynthstageException>(() => StableDiffusionSize.Preset("sd15", "7"));
        Assert.Equal(StableDiffusionSize.Full, StableDiffusionSize.Preset("SD15", "Full"));

        var options = Options("scale") with { Scale = (ForgeScale)7 };
        await Assert.ThrowsAsync<SynthstageException>(() => StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken));
        AssertOnlyEntries();
    }

    [Fact]
    public async Task InconsistentSizesAreRefused()
    {
        var options = Options("odd") with { Size = StableDiffusionSize.Tiny with { UNet = UNetSize.Tiny with { BlockOutChannels = [48, 64] } } };
        var e = await Assert.ThrowsAsync<SynthstageException>(() => StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken));
        Assert.Contains("groups", e.Message);
        options = Options("width") with { Size = StableDiffusionSize.Tiny with { UNet = UNetSize.Full } };
        e = await Assert.ThrowsAsync<SynthstageException>(() => StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken));
        Assert.Contains("cross-attention width 768", e.Message);
        AssertOnlyEntries();
    }

    [Fact]
    public async Task MissingVocabularyIsRefused()
    {
        var options = Options("novocab") with { VocabularySource = Path.Combine(_root, "missing.txt.gz") };
        var e = await Assert.ThrowsAsync<SynthstageException>(() => StableDiffusionForge.WriteAsync(options, ct: TestContext.Current.CancellationToken));
        Assert.Contains("missing.txt.gz", e.Message);
        AssertOnlyEntries();
    }

    [Fact]
    public async Task TooLittleDiskSpaceIsRefusedAndNothingIsLeft()
    {
        var options = Options("nospace") with { Scale = ForgeScale.Full };
        var e = await Assert.ThrowsAsync<SynthstageException>(() =>
            StableDiffusionForge.WriteCoreAsync(options, null, TestContext.Current.CancellationToken, freeSpace: _ => 1_000_000_000, StableDiffusionForge.InlineLimitBytes));
        Assert.Contains("disk space", e.Message);
        Assert.Contains("4.3", e.Message); // about 4.3 GB for the fp32 full folder
        AssertOnlyEntries();
    }

    [Fact]
    public async Task CancellationLeavesNothingBehind()
    {
        using var cts = new CancellationTokenSource();
        var options = Options("cancelled");
        // Cancel once the UNet has started: the text encoder and tokenizer are already in the temporary folder.
        var progress = new SyncProgress(p => { if (p.Component == "unet") cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StableDiffusionForge.WriteAsync(options, progress, cts.Token));
        AssertOnlyEntries();
    }

    private void AssertOnlyEntries(params string[] names) =>
        Assert.Equal(names.Order(), Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Order());

    // Progress<T> posts to the thread pool; this reports inline so the cancellation lands mid-model.
    private sealed class SyncProgress(Action<ForgeProgress> report) : IProgress<ForgeProgress>
    {
        public void Report(ForgeProgress value) => report(value);
    }
}
