using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Synthstage.Media;
using Synthstage.Studio.Tests.Api;

namespace Synthstage.Studio.Tests.Browser;

/// <summary>
/// The real <c>synthstage studio</c> as a child process, killed (SIGKILL, as a crash or a power cut) in the middle of a
/// render and started again on the same data folder: the job goes on from its finished parts and the queue behind it runs.
/// </summary>
public sealed class KillRestartTests(ITestOutputHelper output)
{
    // 2 s parts: coffee.mp4 (287 frames, 9.6 s) renders in five parts, so the kill lands after the first ones.
    private const string PartSeconds = "2";
    private const int FramesPerPart = 60;

    [Fact]
    public async Task A_studio_killed_mid_render_resumes_the_job_from_its_finished_parts_and_runs_the_queue_after_it()
    {
        SharedData.RequireFfmpeg();
        var coffee = await File.ReadAllBytesAsync(SharedData.Require("footage/coffee.mp4"), TestContext.Current.CancellationToken);
        await TestModels.RequireSelfieStoreAsync();
        var data = Path.Combine(TestEnvironment.CacheRoot, "studio-restart", Guid.NewGuid().ToString("N")[..12]);
        try
        {
            string id, second, partsFolder;
            DateTime firstPartWritten;
            using (var studio = await StudioChild.StartAsync(data))
            {
                var client = studio.Client;
                var clip = (await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, coffee, "coffee.mp4"))).GetProperty("path").GetString()!;
                var still = (await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, await StillFrameAsync(data), "still.png"))).GetProperty("path").GetString()!;
                id = await EnqueueAsync(client, new { clip, background = "#1e3c78", model = "general" });
                second = await EnqueueAsync(client, new { clip = still, background = "blur", model = "general" });

                // Kill once the state file records a finished part (and well before the last one).
                var running = await QueueTests.WaitForAsync(client, id, "Running");
                var deadline = DateTime.UtcNow.AddMinutes(5);
                var statePath = "";
                while (true)
                {
                    var job = await JobAsync(client, id);
                    if (job.TryGetProperty("output", out var o) && o.GetString() is { } relative)
                    {
                        var final = Path.Combine(data, relative);
                        statePath = final + ".resume.json";
                        partsFolder = final + ".parts";
                        if (PartsIn(statePath) >= 1) break;
                    }
                    Assert.True(DateTime.UtcNow < deadline, $"no part of job {id} finished in 5 minutes: {job}");
                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }
                studio.Kill();
                firstPartWritten = File.GetLastWriteTimeUtc(Path.Combine(partsFolder, "part-00000.mp4"));
                var parts = PartsIn(statePath);
                output.WriteLine($"killed with {parts} finished part(s) of {FramesPerPart} frames");
                Assert.InRange(parts, 1, 3);
                Assert.Equal(JobState.Running, new JobStore(Path.Combine(data, "studio.db")).Get(id)!.State);
            }

            using (var studio = await StudioChild.StartAsync(data))
            {
                var client = studio.Client;
                using var events = new JobEvents(client, id);
                // The job's first event repeats the progress stored by the killed run; the new run's own events begin with "resume".
                var firstRender = await events.FirstAfterAsync("resume", "render");
                output.WriteLine($"after the restart: first render event at frame {firstRender.Done}; stages seen {string.Join(", ", events.Stages)}");
                // The finished parts are not rendered again: rendering starts past them, and the first part's file is the one the killed run wrote.
                Assert.True(firstRender.Done > FramesPerPart, $"the resumed render started at frame {firstRender.Done}, inside the finished parts");
                Assert.Equal(firstPartWritten, File.GetLastWriteTimeUtc(Path.Combine(partsFolder, "part-00000.mp4")));

                var done = await QueueTests.WaitForAsync(client, id, "Done");
                Assert.Equal(287, done.GetProperty("progress").GetProperty("done").GetInt64());
                Assert.False(Directory.Exists(partsFolder), "the parts stay after the join");
                var provenance = await QueueTests.ReadAsync(await client.GetAsync($"/api/gallery/{id}/provenance", TestContext.Current.CancellationToken));
                Assert.True(provenance.GetProperty("trusted").GetBoolean(), provenance.ToString());
                Assert.Equal("made by Synthstage — background replaced", provenance.GetProperty("verdict").GetString());
                var probe = await MediaProbe.ProbeAsync(Path.Combine(data, done.GetProperty("output").GetString()!), TestContext.Current.CancellationToken);
                Assert.Equal(287, probe.FrameCount);

                await QueueTests.WaitForAsync(client, second, "Done");
            }
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    private static int PartsIn(string statePath)
    {
        try
        {
            return File.Exists(statePath) ? JsonNode.Parse(File.ReadAllText(statePath))?["parts"]?.AsArray().Count ?? 0 : 0;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return 0; // being rewritten
        }
    }

    private static async Task<string> EnqueueAsync(HttpClient client, object request) =>
        (await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/jobs", request, TestContext.Current.CancellationToken))).GetProperty("id").GetString()!;

    private static async Task<JsonElement> JobAsync(HttpClient client, string id)
    {
        var jobs = await QueueTests.ReadAsync(await client.GetAsync("/api/jobs", TestContext.Current.CancellationToken));
        return jobs.EnumerateArray().Single(j => j.GetProperty("id").GetString() == id);
    }

    // A frame of coffee.mp4 as a PNG: a still renders in seconds, so the second job does not double the test's time.
    private static async Task<byte[]> StillFrameAsync(string data)
    {
        Directory.CreateDirectory(data);
        var png = Path.Combine(data, "..", Guid.NewGuid().ToString("N")[..8] + ".png");
        var result = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath,
            ["-nostdin", "-v", "error", "-y", "-ss", "4", "-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", "1", png], TestContext.Current.CancellationToken);
        Assert.Equal(0, result.ExitCode);
        var bytes = await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken);
        File.Delete(png);
        return bytes;
    }

    /// <summary>A <c>synthstage studio</c> child on a free loopback port, ready when it answers <c>/api/status</c>.</summary>
    private sealed class StudioChild : IDisposable
    {
        private readonly CliChild _child;

        private StudioChild(CliChild child, HttpClient client)
        {
            _child = child;
            Client = client;
        }

        public HttpClient Client { get; }

        public static async Task<StudioChild> StartAsync(string data)
        {
            var port = FreePort();
            var child = CliProcess.Start(null, "studio", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data, "--part-seconds", PartSeconds);
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                try
                {
                    if ((await client.GetAsync("/api/status", TestContext.Current.CancellationToken)).IsSuccessStatusCode) return new StudioChild(child, client);
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                if (child.HasExited || DateTime.UtcNow > deadline)
                {
                    client.Dispose();
                    var message = $"the studio did not start: {child.Stdout} {child.Stderr}";
                    child.Dispose();
                    Assert.Fail(message);
                }
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
        }

        public void Kill()
        {
            _child.Signal(CliChild.SigKill);
            _child.WaitForExitAsync().GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            Client.Dispose();
            if (!_child.HasExited)
            {
                _child.Signal(CliChild.SigInt);
                if (!_child.WaitForExitAsync().Wait(TimeSpan.FromSeconds(30))) _child.Signal(CliChild.SigKill);
            }
            _child.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    /// <summary>The progress of one job as the page receives it, over <c>/api/events</c>.</summary>
    private sealed class JobEvents : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _gate = new();
        private readonly List<JobProgress> _seen = [];
        private readonly List<(Func<JobProgress, bool> Match, TaskCompletionSource<JobProgress> Found)> _waiters = [];

        public JobEvents(HttpClient client, string id) => _ = ReadAsync(client, id);

        public IReadOnlyList<string> Stages { get { lock (_gate) return [.. _seen.Select(p => p.Stage).Distinct()]; } }

        /// <summary>The first progress of <paramref name="stage"/> that follows one of <paramref name="after"/>.</summary>
        public Task<JobProgress> FirstAfterAsync(string after, string stage)
        {
            var found = new TaskCompletionSource<JobProgress>(TaskCreationOptions.RunContinuationsAsynchronously);
            var armed = false;
            bool Match(JobProgress p)
            {
                armed |= p.Stage == after;
                return armed && p.Stage == stage;
            }
            lock (_gate)
            {
                if (_seen.FirstOrDefault(Match) is { } hit) return Task.FromResult(hit);
                _waiters.Add((Match, found));
            }
            return found.Task.WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        }

        private async Task ReadAsync(HttpClient client, string id)
        {
            try
            {
                using var response = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                    var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("data");
                    foreach (var job in data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToArray() : [data])
                    {
                        if (job.GetProperty("id").GetString() != id || job.GetProperty("state").GetString() != "Running"
                            || job.GetProperty("progress").ValueKind != JsonValueKind.Object) continue;
                        Add(job.GetProperty("progress").Deserialize<JobProgress>(JobStore.Json)!);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
            {
                // The test ended or the studio stopped.
            }
        }

        private void Add(JobProgress progress)
        {
            List<TaskCompletionSource<JobProgress>> done = [];
            lock (_gate)
            {
                _seen.Add(progress);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (!_waiters[i].Match(progress)) continue;
                    done.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
            foreach (var waiter in done) waiter.TrySetResult(progress);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
