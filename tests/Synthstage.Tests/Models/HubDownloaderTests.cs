using Synthstage.Models;
using Synthstage.Models.Hub;
using Synthstage.Video;

namespace Synthstage.Tests.Models;

public sealed class HubDownloaderTests : IDisposable
{
    private const string Big = "unet/model.onnx";
    private const string Small = "text_encoder/model.onnx";
    private const string Config = "model_index.json";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "synthstage-hub-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeHubServer _server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Bytes of a cut body the client may not keep. The test server ends a cut body with a FIN after its last byte, so the
    /// client normally keeps all of it and resumes exactly at the cut; this slack (four of the server's 64 KiB writes)
    /// keeps the byte counts from depending on a loaded machine's timing, while a resume from 0 still fails every test
    /// here (their cuts are larger).
    /// </summary>
    private const long CutSlack = 256 * 1024;

    public HubDownloaderTests() => _server = new FakeHubServer(Files());

    private static Dictionary<string, (byte[], bool)> Files()
    {
        var random = new Random(7);
        byte[] Bytes(int n) { var b = new byte[n]; random.NextBytes(b); return b; }
        return new Dictionary<string, (byte[], bool)>
        {
            [Big] = (Bytes(3 * 1024 * 1024 + 123), true),
            [Small] = (Bytes(700 * 1024), true),
            [Config] = ("{\"_class_name\": \"StableDiffusionPipeline\"}"u8.ToArray(), false),
        };
    }

    public void Dispose()
    {
        _server.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private HubOptions Options(string? token = null, bool offline = false, int maxResumes = 3, FakeHubServer? server = null) => new()
    {
        Endpoint = (server ?? _server).Endpoint,
        CacheFolder = Path.Combine(_root, "hub"),
        Token = token,
        Offline = offline,
        MaxResumes = maxResumes,
    };

    private static HubReference Reference => new(FakeHubServer.Repository, "main");
    private string RepoFolder => Path.Combine(_root, "hub", "models--acme--tiny-diffusion");

    [Fact]
    public async Task PullLaysOutTheHuggingFaceCacheWithVerifiedLinkedBlobs()
    {
        var reports = new List<PipelineProgress>();
        var snapshot = await HubDownloader.PullAsync(Reference, null, Options(), new SyncProgress(reports.Add), Ct);

        Assert.Equal(FakeHubServer.Commit, snapshot.Commit);
        Assert.Equal(Path.Combine(RepoFolder, "snapshots", FakeHubServer.Commit), snapshot.Folder);
        foreach (var path in new[] { Big, Small, Config })
        {
            var file = Path.Combine(snapshot.Folder, path);
            Assert.Equal(_server.File(path).Content, File.ReadAllBytes(file));
            var target = new FileInfo(file).LinkTarget;
            Assert.NotNull(target);
            Assert.False(Path.IsPathRooted(target)); // relative, as huggingface_hub makes them
            Assert.True(File.Exists(Path.Combine(RepoFolder, "blobs", _server.File(path).Etag)));
        }
        Assert.Equal(FakeHubServer.Commit, File.ReadAllText(Path.Combine(RepoFolder, "refs", "main")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(RepoFolder, "blobs"), "*.incomplete"));
        var last = reports[^1];
        Assert.Equal(last.Total, last.Done);
        Assert.Equal(_server.File(Big).Content.Length + _server.File(Small).Content.Length + _server.File(Config).Content.Length, last.Total);
    }

    [Fact]
    public async Task ACutDownloadResumesFromTheCut()
    {
        var size = _server.File(Big).Content.Length;
        const long cut = 1_000_000;
        _server.CutNext = (Big, cut);

        var snapshot = await HubDownloader.PullAsync(Reference, null, Options(), null, Ct);

        Assert.Equal(_server.File(Big).Content, File.ReadAllBytes(Path.Combine(snapshot.Folder, Big)));
        // One resume, from the cut (less what the client may not have kept): the resumed request asked for the rest only.
        Assert.InRange(Assert.Single(_server.RangeStarts(Big)), cut - CutSlack, cut);
        Assert.InRange(_server.BodyBytes(Big), size, size + CutSlack);
        var total = size + _server.File(Small).Content.Length + _server.File(Config).Content.Length;
        Assert.InRange(snapshot.DownloadedBytes, total, total + CutSlack);
    }

    [Fact]
    public async Task AnInterruptedPullKeepsThePartialFileAndTheNextPullResumesIt()
    {
        var size = _server.File(Big).Content.Length;
        const long cut = 1_500_000;
        _server.CutNext = (Big, cut);

        var error = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, null, Options(maxResumes: 0), null, Ct));
        Assert.Contains("resume", error.Message);
        var partial = Path.Combine(RepoFolder, "blobs", _server.File(Big).Etag + ".incomplete");
        Assert.True(File.Exists(partial));
        // What arrived before the cut is kept (the server ends the body cleanly, so normally all of it).
        var kept = new FileInfo(partial).Length;
        Assert.InRange(kept, cut - CutSlack, cut);
        Assert.False(File.Exists(Path.Combine(RepoFolder, "snapshots", FakeHubServer.Commit, Big)));

        var snapshot = await HubDownloader.PullAsync(Reference, null, Options(), null, Ct);

        Assert.Equal(_server.File(Big).Content, File.ReadAllBytes(Path.Combine(snapshot.Folder, Big)));
        // The next pull asked for exactly the bytes after what was kept.
        Assert.Equal(kept, Assert.Single(_server.RangeStarts(Big)));
        Assert.InRange(_server.BodyBytes(Big), size, size + CutSlack);
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task AServerThatIgnoresRangesGetsTheWholeFileAgain()
    {
        _server.CutNext = (Big, 1_000_000);
        _server.IgnoreRange = true;

        var snapshot = await HubDownloader.PullAsync(Reference, null, Options(), null, Ct);

        Assert.Equal(_server.File(Big).Content, File.ReadAllBytes(Path.Combine(snapshot.Folder, Big)));
    }

    [Fact]
    public async Task AFullDiskStopsCleanlyWithABadOutputError()
    {
        // /dev/full fails every write with ENOSPC, like a full disk.
        var blobs = Directory.CreateDirectory(Path.Combine(RepoFolder, "blobs")).FullName;
        File.CreateSymbolicLink(Path.Combine(blobs, _server.File(Big).Etag + ".incomplete"), "/dev/full");

        var error = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, ["unet/*"], Options(), null, Ct));

        Assert.Equal(ExitCodes.BadOutput, error.ExitCode);
        Assert.Contains("No space left", error.Message);
        Assert.Contains("kept", error.Message);
        Assert.False(File.Exists(Path.Combine(RepoFolder, "snapshots", FakeHubServer.Commit, Big)));
        Assert.False(File.Exists(Path.Combine(blobs, _server.File(Big).Etag)));
    }

    [Fact]
    public async Task AnyUrlDownloadsWithTheSameClient()
    {
        var partial = Path.Combine(Directory.CreateDirectory(_root).FullName, "rvm.onnx.incomplete");
        using var client = new HubClient(Options());
        const long cut = 300_000;
        _server.CutNext = (Small, cut);
        var uri = new Uri($"{_server.Endpoint}/blobs/{_server.File(Small).Etag}?name={Uri.EscapeDataString(Small)}");

        await Assert.ThrowsAnyAsync<IOException>(() => client.DownloadUrlAsync(uri, Reference, partial, (_, _) => { }, Ct));
        var sha256 = await client.DownloadUrlAsync(uri, Reference, partial, (_, _) => { }, Ct);

        Assert.Equal(_server.File(Small).Etag, sha256);
        // The second call resumed from the partial file, not from 0.
        Assert.InRange(Assert.Single(_server.RangeStarts(Small)), cut - CutSlack, cut);
        Assert.InRange(_server.BodyBytes(Small), _server.File(Small).Content.Length, _server.File(Small).Content.Length + CutSlack);
    }

    [Fact]
    public async Task ACorruptedFileIsDetectedDeletedAndNotLinked()
    {
        _server.Corrupt = Small;

        var error = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, null, Options(), null, Ct));

        Assert.Equal(ExitCodes.BadModel, error.ExitCode);
        Assert.Contains(Small, error.Message);
        Assert.Contains("corrupt", error.Message);
        Assert.False(File.Exists(Path.Combine(RepoFolder, "snapshots", FakeHubServer.Commit, Small)));
        Assert.False(File.Exists(Path.Combine(RepoFolder, "blobs", _server.File(Small).Etag)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(RepoFolder, "blobs"), _server.File(Small).Etag + "*"));
    }

    [Fact]
    public async Task AGatedRepositoryExplainsHowToGetAccess()
    {
        _server.RequiredToken = "hf_secret";

        var error = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, null, Options(), null, Ct));

        Assert.Contains("HF_TOKEN", error.Message);
        Assert.Contains("accept its licence", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        var wrong = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, null, Options(token: "hf_wrong"), null, Ct));
        Assert.Contains("refused", wrong.Message);
    }

    [Theory]
    [InlineData(BlobHost.OtherHost)]
    [InlineData(BlobHost.OtherPort)]
    public async Task TheTokenIsSentAsABearerToTheHubButNotToTheBlobHost(BlobHost blobHost)
    {
        using var server = new FakeHubServer(Files(), blobHost) { RequiredToken = "hf_secret" };

        var snapshot = await HubDownloader.PullAsync(Reference, null, Options(token: "hf_secret", server: server), null, Ct);

        Assert.All(server.Authorizations, a => Assert.Equal("Bearer hf_secret", a));
        // Both LFS files were redirected to the blob server, and not one of its requests carried the token.
        Assert.Equal(2, server.BlobRequests.Count);
        Assert.All(server.BlobRequests, r => Assert.Null(r.Header("Authorization")));
        foreach (var path in new[] { Big, Small, Config })
            Assert.Equal(server.File(path).Content, File.ReadAllBytes(Path.Combine(snapshot.Folder, path)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AMirrorThatListsNamesOnlyNamesEachBlobAfterItsEtagHeader(bool weakEtags)
    {
        using var server = new FakeHubServer(Files(), BlobHost.OtherPort) { NamesOnly = true, WeakEtags = weakEtags };
        var reports = new List<PipelineProgress>();

        var snapshot = await HubDownloader.PullAsync(Reference, null, Options(server: server), new SyncProgress(reports.Add), Ct);

        foreach (var path in new[] { Big, Small, Config })
        {
            // Blob names are the content hashes: SHA-256 for the LFS files, the git blob id for the config.
            Assert.Equal(server.File(path).Content, File.ReadAllBytes(Path.Combine(RepoFolder, "blobs", server.File(path).Etag)));
            Assert.Equal(server.File(path).Content, File.ReadAllBytes(Path.Combine(snapshot.Folder, path)));
        }
        Assert.Equal(3, server.AllRequests.Count(r => r.Method == "HEAD" && r.Path.Contains("/resolve/", StringComparison.Ordinal)));
        Assert.Equal(3, server.Downloads); // each file once: no two downloads shared (and locked) one partial file
        Assert.False(File.Exists(Path.Combine(RepoFolder, "blobs.incomplete")));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(RepoFolder, "blobs")).Length);
        // The sizes came from X-Linked-Size and Content-Length, so the progress had its total from the start.
        Assert.Equal(Files().Values.Sum(f => (long)f.Item1.Length), reports[0].Total);
        Assert.Equal(reports[0].Total, reports[^1].Done);
    }

    [Fact]
    public async Task AMirrorWithoutEtagsFailsBeforeWritingAnyBlob()
    {
        using var server = new FakeHubServer(Files()) { NamesOnly = true, NoEtags = true };

        var error = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, null, Options(server: server), null, Ct));

        Assert.Contains("ETag", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(0, server.Downloads);
        Assert.False(File.Exists(Path.Combine(RepoFolder, "blobs.incomplete")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(RepoFolder, "blobs")));
    }

    [Fact]
    public async Task FilesWithTheSameContentShareOneBlobDownloadedOnce()
    {
        var content = new byte[300_000];
        new Random(11).NextBytes(content);
        using var server = new FakeHubServer(new Dictionary<string, (byte[], bool)> { ["a/model.onnx"] = (content, true), ["b/model.onnx"] = (content, true) })
        {
            NamesOnly = true,
        };

        var snapshot = await HubDownloader.PullAsync(Reference, null, Options(server: server), null, Ct);

        Assert.Equal(1, server.Downloads);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(snapshot.Folder, "a/model.onnx")));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(snapshot.Folder, "b/model.onnx")));
    }

    [Fact]
    public async Task OfflineModeUsesTheCacheAndNeverConnects()
    {
        var missing = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, null, Options(offline: true), null, Ct));
        Assert.Contains("HF_HUB_OFFLINE", missing.Message);
        Assert.Equal(0, _server.Requests);

        var online = await HubDownloader.PullAsync(Reference, null, Options(), null, Ct);
        var requests = _server.Requests;

        var offline = await HubDownloader.PullAsync(Reference, null, Options(offline: true), null, Ct);

        Assert.Equal(requests, _server.Requests);
        Assert.Equal(online.Folder, offline.Folder);
        Assert.Equal(online.Files.Order(), offline.Files.Order());
    }

    [Fact]
    public async Task ASecondPullDownloadsNothing()
    {
        await HubDownloader.PullAsync(Reference, null, Options(), null, Ct);
        var downloads = _server.Downloads;

        var again = await HubDownloader.PullAsync(Reference, null, Options(), null, Ct);

        Assert.Equal(downloads, _server.Downloads);
        Assert.Equal(0, again.DownloadedBytes);
    }

    [Fact]
    public async Task BlobsAlreadyInACacheFilledByPythonAreLinkedNotDownloaded()
    {
        // huggingface_hub left the blobs (from another snapshot) but no snapshot for this commit.
        var blobs = Directory.CreateDirectory(Path.Combine(RepoFolder, "blobs")).FullName;
        foreach (var path in new[] { Big, Small, Config }) File.WriteAllBytes(Path.Combine(blobs, _server.File(path).Etag), _server.File(path).Content);

        var snapshot = await HubDownloader.PullAsync(Reference, ["*.onnx", Config], Options(), null, Ct);

        Assert.Equal(0, _server.Downloads);
        Assert.Equal(3, snapshot.Files.Count);
        Assert.Equal(_server.File(Big).Content, File.ReadAllBytes(Path.Combine(snapshot.Folder, Big)));
    }

    [Fact]
    public async Task PatternsSelectFiles()
    {
        var snapshot = await HubDownloader.PullAsync(Reference, ["unet/*"], Options(), null, Ct);

        Assert.Equal([Big], snapshot.Files);
        Assert.False(File.Exists(Path.Combine(snapshot.Folder, Small)));
    }

    [Fact]
    public async Task AMissingRevisionSaysSo()
    {
        var error = await Assert.ThrowsAsync<SynthstageException>(() =>
            HubDownloader.PullAsync(new HubReference(FakeHubServer.Repository, "v9"), null, Options(), null, Ct));

        Assert.Contains("revision 'v9' does not exist", error.Message);
    }

    [Fact]
    public async Task AnUnwritableCacheIsABadOutputError()
    {
        var file = Path.Combine(_root, "not-a-folder");
        Directory.CreateDirectory(_root);
        File.WriteAllText(file, "x");

        var error = await Assert.ThrowsAsync<SynthstageException>(() =>
            HubDownloader.PullAsync(Reference, null, Options() with { CacheFolder = Path.Combine(file, "hub") }, null, Ct));

        Assert.Equal(ExitCodes.BadOutput, error.ExitCode);
        Assert.Contains("HF_HUB_CACHE", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task NoServerIsAOneLineNetworkError()
    {
        var options = Options() with { Endpoint = "http://127.0.0.1:1" };

        var error = await Assert.ThrowsAsync<SynthstageException>(() => HubDownloader.PullAsync(Reference, null, options, null, Ct));

        Assert.Contains("cannot reach", error.Message);
        Assert.Contains("HF_HUB_OFFLINE", error.Message);
    }

    [Fact]
    public async Task VerifyFindsATamperedBlobAndRmRemovesTheSnapshot()
    {
        var options = Options();
        var store = new ModelStore(Path.Combine(_root, "store"));
        var name = FakeHubServer.Repository;
        await HubDownloader.PullAsync(Reference, null, options, null, Ct);
        Assert.All(ModelInventory.Verify(name, store, options, Ct), r => Assert.True(r.Ok, r.Detail));

        var blob = Path.Combine(RepoFolder, "blobs", _server.File(Small).Etag);
        var bytes = File.ReadAllBytes(blob);
        bytes[10] ^= 1;
        File.WriteAllBytes(blob, bytes);
        var results = ModelInventory.Verify(name, store, options, Ct);
        Assert.Single(results, r => !r.Ok);

        Assert.Equal(await ModelResolver.ResolveAsync(name, options, store, download: false, cancellationToken: Ct),
            Path.Combine(RepoFolder, "snapshots", FakeHubServer.Commit));
        ModelInventory.Remove(name, store, options);
        Assert.False(Directory.Exists(RepoFolder));
    }

    private sealed class SyncProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        private readonly Lock _gate = new();
        public void Report(PipelineProgress value) { lock (_gate) report(value); }
    }
}
