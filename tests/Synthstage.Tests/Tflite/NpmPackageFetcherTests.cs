using Synthstage.Models;

namespace Synthstage.Tests.Tflite;

/// <summary>NpmPackageFetcher against the real registry (through npm's cache); skipped without npm.</summary>
public class NpmPackageFetcherTests
{
    private const string Package = SelfieSegmentationImportTests.Package;
    private const string Version = SelfieSegmentationImportTests.Version;

    private static string TempFolder() => Directory.CreateTempSubdirectory("ss-npm-").FullName;

    private static void RequireNpm()
    {
        if (!SharedData.OnPath("npm")) Assert.Skip("npm not found on PATH; install Node.js to run this test");
    }

    [Fact]
    public async Task ExtractsAndVerifiesNamedFiles()
    {
        RequireNpm();
        // Warm npm's cache through the shared fixture first, so a missing network skips instead of failing.
        await SelfieSegmentationImportTests.RequireModelAsync(SelfieSegmentationImportTests.GeneralFile);
        var dir = TempFolder();
        try
        {
            var paths = await NpmPackageFetcher.FetchAsync(Package, Version, dir,
                [new NpmPackageFile("selfie_segmentation.tflite", SelfieSegmentationImportTests.GeneralSha256.ToUpperInvariant()), new NpmPackageFile("package.json")],
                TestContext.Current.CancellationToken);
            Assert.Equal([Path.Combine(dir, "selfie_segmentation.tflite"), Path.Combine(dir, "package.json")], paths);
            Assert.Equal(SelfieSegmentationImportTests.GeneralSha256, NpmPackageFetcher.Sha256OfFile(paths[0]));
            Assert.Contains("selfie_segmentation", await File.ReadAllTextAsync(paths[1], TestContext.Current.CancellationToken));
            Assert.Empty(Directory.GetFiles(dir, "*.partial"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task WrongHashIsRejectedAndNothingIsLeftBehind()
    {
        RequireNpm();
        await SelfieSegmentationImportTests.RequireModelAsync(SelfieSegmentationImportTests.GeneralFile);
        var dir = TempFolder();
        try
        {
            var e = await Assert.ThrowsAsync<SynthstageException>(() => NpmPackageFetcher.FetchAsync(Package, Version, dir,
                [new NpmPackageFile("selfie_segmentation.tflite", new string('0', 64))], TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.BadModel, e.ExitCode);
            Assert.Contains("SHA-256", e.Message);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task MissingFileIsNamed()
    {
        RequireNpm();
        await SelfieSegmentationImportTests.RequireModelAsync(SelfieSegmentationImportTests.GeneralFile);
        var dir = TempFolder();
        try
        {
            var e = await Assert.ThrowsAsync<SynthstageException>(() => NpmPackageFetcher.FetchAsync(Package, Version, dir,
                [new NpmPackageFile("no_such_model.tflite")], TestContext.Current.CancellationToken));
            Assert.Contains("no_such_model.tflite", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task UnknownVersionReportsNpmFailure()
    {
        RequireNpm();
        await SelfieSegmentationImportTests.RequireModelAsync(SelfieSegmentationImportTests.GeneralFile);
        var dir = TempFolder();
        try
        {
            var e = await Assert.ThrowsAsync<SynthstageException>(() => NpmPackageFetcher.FetchAsync(Package, "0.0.0-does-not-exist", dir,
                [new NpmPackageFile("selfie_segmentation.tflite")], TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.BadModel, e.ExitCode);
            Assert.StartsWith("npm pack @mediapipe/selfie_segmentation@0.0.0-does-not-exist failed", e.Message);
            Assert.Contains("No matching version", e.Message);
            // The registry answered: a wrongly pinned version fails a test instead of skipping it as "offline".
            Assert.False(NpmRegistry.IsUnavailable(e.Message));
        }
        finally { Directory.Delete(dir, true); }
    }
}
