using Synthstage.Models;
using Synthstage.Segmentation;

namespace Synthstage.Tests;

/// <summary>
/// The model store in the test cache (<see cref="TestEnvironment.CacheRoot"/>, also the tests' SYNTHSTAGE_HOME) with
/// MediaPipe's models installed once through the real installers (npm pack + our TFLite importer). A test skips when npm
/// or its registry is unavailable here and fails when the catalog's pin or checksums are wrong (<see cref="NpmRegistry"/>).
/// </summary>
public static class TestModels
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ModelStore? _store;
    private static string? _failure;

    public static string CacheRoot => TestEnvironment.CacheRoot;

    /// <summary>Returns the store with the selfie models installed, or skips the test when they cannot be fetched here.</summary>
    public static async Task<ModelStore> RequireSelfieStoreAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_store is null && _failure is null)
            {
                var store = new ModelStore(CacheRoot);
                try
                {
                    foreach (var variant in new[] { "general", "landscape" })
                        if (!File.Exists(SelfieModelInstaller.ModelPath(store, variant)))
                        {
                            await SelfieModelInstaller.InstallAsync(store, null, null, CancellationToken.None);
                            break;
                        }
                    _store = store;
                }
                catch (SynthstageException e) when (NpmRegistry.IsUnavailable(e.Message))
                {
                    _failure = e.Message;
                }
            }
            if (_store is null) Assert.Skip($"the MediaPipe selfie models could not be installed here: {_failure}");
            return _store!;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static readonly SemaphoreSlim PoseGate = new(1, 1);
    private static ModelStore? _poseStore;
    private static string? _poseFailure;

    /// <summary>Returns the store with MediaPipe's pose models installed (npm + our importer), or skips the test when they cannot be fetched here.</summary>
    public static async Task<ModelStore> RequirePoseStoreAsync()
    {
        await PoseGate.WaitAsync();
        try
        {
            if (_poseStore is null && _poseFailure is null)
            {
                var store = new ModelStore(CacheRoot);
                try
                {
                    var missing = new[] { Synthstage.Pose.PoseModelInstaller.Detector }.Concat(Synthstage.Pose.PoseModelInstaller.LandmarkVariants)
                        .Where(v => !File.Exists(Synthstage.Pose.PoseModelInstaller.ModelPath(store, v))).ToArray();
                    if (missing.Length > 0) await Synthstage.Pose.PoseModelInstaller.InstallAsync(store, missing, null, null, CancellationToken.None);
                    _poseStore = store;
                }
                catch (SynthstageException e) when (NpmRegistry.IsUnavailable(e.Message))
                {
                    _poseFailure = e.Message;
                }
            }
            if (_poseStore is null) Assert.Skip($"the MediaPipe pose models could not be installed here: {_poseFailure}");
            return _poseStore!;
        }
        finally
        {
            PoseGate.Release();
        }
    }
}
