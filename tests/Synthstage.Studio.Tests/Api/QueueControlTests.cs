using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Synthstage.Studio.Tests.Api.QueueTests;

namespace Synthstage.Studio.Tests.Api;

/// <summary>
/// Two pages (two clients of one real app) queueing, moving, pausing and cancelling at the same moment while a render
/// runs, then cancelling that render: every job ends in the state asked for, runs at most once, in the order asked for, and the SQLite store says
/// the same after the server restarts on it.
/// </summary>
public sealed class QueueControlTests
{
    [Fact]
    public async Task Two_tabs_acting_at_once_leave_every_job_in_the_state_and_order_asked_for()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var ct = TestContext.Current.CancellationToken;
        var still = Path.Combine(Directory.CreateTempSubdirectory("ss-queue-").FullName, "frame.png");
        await SceneTestData.RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-vf", "select=eq(n\\,120),scale=640:360", "-frames:v", "1", still);
        var coffee = await File.ReadAllBytesAsync(SharedData.Require("footage/coffee.mp4"), ct);

        using var host = new StudioHost();
        using var tabA = host.Client();
        using var tabB = host.Client();
        var clip = (await ReadAsync(await UploadTests.UploadAsync(tabA, coffee, "coffee.mp4"))).GetProperty("path").GetString()!;
        var image = (await ReadAsync(await UploadTests.UploadAsync(tabB, await File.ReadAllBytesAsync(still, ct), "frame.png"))).GetProperty("path").GetString()!;

        // A video keeps the worker busy while both tabs queue four stills each at once.
        var first = await EnqueueAsync(tabA, clip, "#102030");
        await WaitForAsync(tabB, first, "Running");
        var queued = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => EnqueueAsync(i % 2 == 0 ? tabA : tabB, image, $"#0000{i:x2}")));
        Assert.Equal(8, queued.Distinct().Count());

        // At once: tab A cancels the first still, tab B pauses the second, tab A moves the last to the front.
        var cancelled = queued[0];
        var paused = queued[1];
        var moved = queued[7];
        var answers = await Task.WhenAll(
            tabA.PostAsync($"/api/jobs/{cancelled}/cancel", null, ct),
            tabB.PostAsync($"/api/jobs/{paused}/pause", null, ct),
            tabA.PostAsJsonAsync($"/api/jobs/{moved}/move", new { index = 0 }, ct));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        // Then the running video is cancelled too: the stills behind it run, and it leaves no output under its final name.
        await ReadAsync(await tabB.PostAsync($"/api/jobs/{first}/cancel", null, ct));
        // Cancelling twice is refused in one line rather than changing anything.
        var again = await tabB.PostAsync($"/api/jobs/{cancelled}/cancel", null, ct);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.DoesNotContain("\n", await again.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        await WaitForAsync(tabA, first, "Cancelled");
        foreach (var id in queued.Except([cancelled, paused])) await WaitForAsync(tabB, id, "Done");
        var jobs = await JobsAsync(tabA);
        Assert.Equal("Cancelled", jobs[cancelled].GetProperty("state").GetString());
        Assert.Equal("Paused", jobs[paused].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, jobs[cancelled].GetProperty("output").ValueKind);
        Assert.Equal(JsonValueKind.Null, jobs[paused].GetProperty("output").ValueKind);
        // The moved job ran before every still that was still waiting behind it.
        DateTimeOffset Finished(string id) => jobs[id].GetProperty("finished").GetDateTimeOffset();
        foreach (var id in queued[2..7]) Assert.True(Finished(moved) < Finished(id), $"job {moved} moved to the front finished after {id}");
        var unfinished = jobs[first].GetProperty("output").GetString();
        Assert.False(unfinished is not null && File.Exists(Path.Combine(host.DataFolder, unfinished)), "the cancelled render left a file under its final name");
        foreach (var id in queued.Except([cancelled, paused]))
            Assert.True(File.Exists(Path.Combine(host.DataFolder, jobs[id].GetProperty("output").GetString()!)), $"job {id}'s output is missing");
        Assert.Equal(jobs.Count, jobs.Values.Select(j => j.GetProperty("position").GetInt64()).Distinct().Count());

        // The paused job runs once resumed; the cancelled one cannot be resumed.
        await ReadAsync(await tabB.PostAsync($"/api/jobs/{paused}/resume", null, ct));
        await WaitForAsync(tabA, paused, "Done");
        Assert.Equal(HttpStatusCode.BadRequest, (await tabA.PostAsync($"/api/jobs/{cancelled}/resume", null, ct)).StatusCode);

        // A second server on the same data folder reads the same states from studio.db.
        var states = (await JobsAsync(tabA)).ToDictionary(j => j.Key, j => j.Value.GetProperty("state").GetString());
        var reopened = new Synthstage.Studio.JobStore(Path.Combine(host.DataFolder, "studio.db"));
        Assert.Equal(states, reopened.List().ToDictionary(j => j.Id, j => (string?)j.State.ToString()));
        Directory.Delete(Path.GetDirectoryName(still)!, recursive: true);
    }

    private static async Task<string> EnqueueAsync(HttpClient client, string clip, string background) =>
        (await ReadAsync(await client.PostAsJsonAsync("/api/jobs", new { clip, background, model = "general" }, TestContext.Current.CancellationToken)))
        .GetProperty("id").GetString()!;

    private static async Task<Dictionary<string, JsonElement>> JobsAsync(HttpClient client) =>
        (await ReadAsync(await client.GetAsync("/api/jobs", TestContext.Current.CancellationToken))).EnumerateArray()
        .ToDictionary(j => j.GetProperty("id").GetString()!, j => j);
}
