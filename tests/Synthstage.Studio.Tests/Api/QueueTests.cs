using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Synthstage.Studio.Tests.Api;

/// <summary>Renders through the queue against the real app: the output, its provenance, its settings read back, and failures.</summary>
public sealed class QueueTests
{
    [Fact]
    public async Task A_render_finishes_in_the_gallery_with_a_trusted_manifest_and_its_settings_read_back()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var coffee = await File.ReadAllBytesAsync(SharedData.Require("footage/coffee.mp4"), TestContext.Current.CancellationToken);
        using var host = new StudioHost();
        using var client = host.Client();
        var clip = await ReadAsync(await UploadTests.UploadAsync(client, coffee, "coffee.mp4"));
        var path = clip.GetProperty("path").GetString()!;

        var matte = await ReadAsync(await client.PostAsJsonAsync("/api/matte",
            new { clip = path, frame = 120, model = "general", points = new[] { new { x = 0.5, y = 0.45, frame = 120, include = true } } }, TestContext.Current.CancellationToken));
        Assert.InRange(matte.GetProperty("coverage").GetDouble(), 0.03, 0.9);
        Assert.StartsWith("640,324@120", matte.GetProperty("subject").GetString(), StringComparison.Ordinal);

        var job = await ReadAsync(await client.PostAsJsonAsync("/api/jobs",
            new { clip = path, background = "#1e3c78", model = "general", subject = new[] { new { x = 0.5, y = 0.45, frame = 120, include = true } } }, TestContext.Current.CancellationToken));
        var id = job.GetProperty("id").GetString()!;
        var done = await WaitForAsync(client, id, "Done");
        Assert.EndsWith(".mp4", done.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal(287, done.GetProperty("progress").GetProperty("done").GetInt64());

        var provenance = await ReadAsync(await client.GetAsync($"/api/gallery/{id}/provenance", TestContext.Current.CancellationToken));
        Assert.True(provenance.GetProperty("trusted").GetBoolean());
        Assert.Equal("made by Synthstage — background replaced", provenance.GetProperty("verdict").GetString());
        // The click reached the engine: the render keyed the subject under it, and its manifest says so.
        Assert.Equal("640,324@120", provenance.GetProperty("parameters").GetProperty("subject points").GetString());
        var again = await ReadAsync(await client.GetAsync($"/api/gallery/{id}/settings", TestContext.Current.CancellationToken));
        Assert.Equal("#1e3c78", again.GetProperty("background").GetString());
        Assert.Equal("general", again.GetProperty("model").GetString());
        Assert.Equal(path, again.GetProperty("clip").GetString());
        var poster = await client.GetAsync($"/api/gallery/{id}/poster", TestContext.Current.CancellationToken);
        Assert.Equal("image/jpeg", poster.Content.Headers.ContentType?.MediaType);
        var download = await client.GetByteArrayAsync("/api/download/" + done.GetProperty("output").GetString(), TestContext.Current.CancellationToken);
        Assert.Equal(File.ReadAllBytes(Path.Combine(host.DataFolder, done.GetProperty("output").GetString()!)), download);
    }

    [Fact]
    public async Task A_failing_job_keeps_its_one_line_error_and_the_next_one_still_runs()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var coffee = await File.ReadAllBytesAsync(SharedData.Require("footage/coffee.mp4"), TestContext.Current.CancellationToken);
        using var host = new StudioHost();
        using var client = host.Client();
        var path = (await ReadAsync(await UploadTests.UploadAsync(client, coffee, "coffee.mp4"))).GetProperty("path").GetString()!;
        // A background image that is gone by the time the job runs: the job fails, the server keeps serving.
        var image = Path.Combine(host.DataFolder, "plate.png");
        await File.WriteAllBytesAsync(image, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), TestContext.Current.CancellationToken);
        var first = await ReadAsync(await client.PostAsJsonAsync("/api/jobs", new { clip = path, background = "image:plate.png", model = "general" }, TestContext.Current.CancellationToken));
        var second = await ReadAsync(await client.PostAsJsonAsync("/api/jobs", new { clip = path, background = "blur", model = "general" }, TestContext.Current.CancellationToken));
        File.Delete(image);
        var failed = await WaitForAsync(client, first.GetProperty("id").GetString()!, "Failed");
        var error = failed.GetProperty("error").GetString()!;
        Assert.Contains("plate.png", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
        await WaitForAsync(client, second.GetProperty("id").GetString()!, "Done");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/clips", TestContext.Current.CancellationToken)).StatusCode);
    }

    internal static async Task<JsonElement> WaitForAsync(HttpClient client, string id, string state)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var jobs = await ReadAsync(await client.GetAsync("/api/jobs", TestContext.Current.CancellationToken));
            var job = jobs.EnumerateArray().Single(j => j.GetProperty("id").GetString() == id);
            var now = job.GetProperty("state").GetString();
            if (now == state) return job;
            if (now is "Failed" or "Done" or "Cancelled") Assert.Fail($"job {id} ended {now}, not {state}: {job}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"job {id} did not reach {state} in 5 minutes");
        return default;
    }

    internal static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
