using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Synthstage.Imaging;
using Synthstage.Media;
using Synthstage.Provenance;

namespace Synthstage.Studio.Tests.Api;

/// <summary>The prompt background against the real app in-process, with a tiny forged Stable Diffusion model, real selfie segmentation and ffmpeg.</summary>
public sealed class PromptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Euler: one UNet call, so one step event, per step (the forged model's own PNDM adds a warm-up call).
    private static object Scene(string model, int steps = 4, ulong seed = 11, string prompt = "a beach at dusk, golden light", string motion = "none") =>
        new { prompt, negative = "blurry", seed, steps, guidance = 7.5, model, motion, scheduler = "euler" };

    private static async Task<(StudioHost Host, HttpClient Client, string Clip, string Model)> StartAsync(int frames = 24)
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var host = new StudioHost();
        var model = await SceneTestData.InstallTinyModelAsync(host.DataFolder);
        var client = host.Client();
        var clip = await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, await SceneTestData.CoffeeExcerptAsync(frames), "coffee.mp4"));
        return (host, client, clip.GetProperty("path").GetString()!, model);
    }

    [Fact]
    public async Task Preview_frame_streams_one_event_per_step_and_composites_the_scene_behind_the_subject()
    {
        var (host, client, clip, model) = await StartAsync();
        using var _ = host;
        using var __ = client;
        var models = await QueueTests.ReadAsync(await client.GetAsync("/api/scene/models", Ct));
        Assert.Contains(models.EnumerateArray(), m => m.GetProperty("name").GetString() == model);

        var started = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/scene/preview?frame=5",
            new { clip, model = "general", scene = Scene(model, steps: 4), harmonize = 0.3, lightWrap = 0.2 }, Ct));
        var events = await SceneTestData.ReadEventsAsync(client, started.GetProperty("events").GetString()!);

        var steps = events.Where(e => e.Kind == "step").ToList();
        Assert.Equal([1, 2, 3, 4], steps.Select(e => e.Data.GetProperty("step").GetInt32()));
        Assert.All(steps, e => Assert.Equal(4, e.Data.GetProperty("steps").GetInt32()));
        // Each step's latent picture: the tiny model's 336×192 plate is 42×24 latents, shown ×2.
        var picture = RgbImage.Load(SaveDataUrl(host, steps[0].Data.GetProperty("picture").GetString()!));
        Assert.Equal((84, 48), (picture.Width, picture.Height));
        Assert.NotEqual(RgbImage.Load(SaveDataUrl(host, steps[^1].Data.GetProperty("picture").GetString()!)).Pixels, picture.Pixels);
        var (kind, end) = events[^1];
        Assert.True(kind == "done", $"the preview ended {kind}: {end}");

        var png = await client.GetAsync(started.GetProperty("image").GetString(), Ct);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(host.DataFolder, "work", "preview-copy.png");
        await File.WriteAllBytesAsync(path, await png.Content.ReadAsByteArrayAsync(Ct), Ct);
        var preview = RgbImage.Load(path);
        var frame = await Synthstage.Studio.ClipFrames.ReadAsync(await MediaProbe.ProbeAsync(Path.Combine(host.DataFolder, clip), Ct), 5, Ct);
        Assert.Equal((frame.Width, frame.Height), (preview.Width, preview.Height));
        // The top left corner is room, not person: there the preview shows the generated scene, not the footage.
        var corner = MeanDifference(preview, frame, 0, 0, 160, 160);
        Assert.True(corner > 20, $"mean difference {corner:F1} in the corner: the background was not replaced");
        var report = await ProvenanceVerifier.VerifyAsync(path, ct: Ct);
        Assert.NotNull(report.TrustedManifest);
        Assert.Equal("made by Synthstage — synthetic background", OutputProvenance.From(report).Verdict);
        Assert.Equal("a beach at dusk, golden light", report.TrustedManifest!.Parameters["scene-prompt"]);
        Assert.Equal("0.3", report.TrustedManifest.Parameters["harmonize"]);
        var status = await QueueTests.ReadAsync(await client.GetAsync(started.GetProperty("status").GetString(), Ct));
        Assert.True(status.GetProperty("finished").GetBoolean());
        Assert.Equal(4, status.GetProperty("steps").GetInt32());
        Assert.Equal("image/png", (await client.GetAsync($"/api/previews/{started.GetProperty("id").GetString()}/steps/2", Ct)).Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Stop_ends_the_generation_after_few_steps_and_leaves_no_image()
    {
        var (host, client, clip, model) = await StartAsync();
        using var _ = host;
        using var __ = client;
        var started = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/scene/preview",
            new { clip, model = "general", scene = Scene(model, steps: 150, seed: 99) }, Ct));
        var id = started.GetProperty("id").GetString()!;
        var stopped = false;
        var events = await SceneTestData.ReadEventsAsync(client, started.GetProperty("events").GetString()!, async (kind, data) =>
        {
            if (kind != "step" || stopped) return;
            stopped = true;
            await QueueTests.ReadAsync(await client.PostAsync($"/api/previews/{id}/stop", null, Ct));
        });
        var (kind, end) = events[^1];
        Assert.Equal("stopped", kind);
        var steps = events.Count(e => e.Kind == "step");
        Assert.InRange(steps, 1, 149);
        Assert.Equal(steps, end.GetProperty("step").GetInt32());
        Assert.Contains($"stopped after step {steps} of 150", end.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(started.GetProperty("image").GetString(), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_prompt_job_renders_through_the_queue_verifies_as_synthetic_background_and_its_settings_come_back()
    {
        var (host, client, clip, model) = await StartAsync(frames: 30);
        using var _ = host;
        using var __ = client;
        var job = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/jobs",
            new { clip, model = "general", scene = Scene(model, steps: 3, seed: 42, motion: "pan"), lightWrap = 0.25 }, Ct));
        Assert.Equal("composite", job.GetProperty("kind").GetString());
        Assert.StartsWith("prompt \"a beach at dusk", job.GetProperty("title").GetString(), StringComparison.Ordinal);
        var id = job.GetProperty("id").GetString()!;
        var done = await QueueTests.WaitForAsync(client, id, "Done");
        var output = Path.Combine(host.DataFolder, done.GetProperty("output").GetString()!);
        Assert.Equal(30, (await MediaProbe.ProbeAsync(output, Ct)).FrameCount);

        var provenance = await QueueTests.ReadAsync(await client.GetAsync($"/api/gallery/{id}/provenance", Ct));
        Assert.True(provenance.GetProperty("trusted").GetBoolean());
        Assert.Equal("made by Synthstage — synthetic background", provenance.GetProperty("verdict").GetString());
        var again = await QueueTests.ReadAsync(await client.GetAsync($"/api/gallery/{id}/settings", Ct));
        var scene = again.GetProperty("scene");
        Assert.Equal("a beach at dusk, golden light", scene.GetProperty("prompt").GetString());
        Assert.Equal("blurry", scene.GetProperty("negative").GetString());
        Assert.Equal(42UL, scene.GetProperty("seed").GetUInt64());
        Assert.Equal(3, scene.GetProperty("steps").GetInt32());
        Assert.Equal(7.5, scene.GetProperty("guidance").GetDouble(), 3);
        Assert.Equal("pan", scene.GetProperty("motion").GetString());
        Assert.Equal("euler", scene.GetProperty("scheduler").GetString());
        Assert.Equal(model, scene.GetProperty("model").GetString());
        Assert.Equal(0.25, again.GetProperty("lightWrap").GetDouble(), 3);
        Assert.Equal("general", again.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Bad_prompt_settings_are_refused_with_one_line_each()
    {
        var (host, client, clip, model) = await StartAsync();
        using var _ = host;
        using var __ = client;
        async Task RefusedAsync(string path, object body, string expected)
        {
            var response = await client.PostAsJsonAsync(path, body, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
            var error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
        }
        foreach (var path in new[] { "/api/scene/preview", "/api/jobs" })
        {
            await RefusedAsync(path, new { clip, model = "general", scene = Scene(model, prompt: "  ") }, "the prompt is empty");
            await RefusedAsync(path, new { clip, model = "general", scene = Scene(model, steps: 100000) }, "steps must be 1 to 150 (got 100000)");
            await RefusedAsync(path, new { clip, model = "general", scene = Scene(model, steps: 0) }, "steps must be 1 to 150 (got 0)");
            await RefusedAsync(path, new { clip, model = "general", scene = Scene(model, motion: "spin") }, "unknown motion 'spin'");
            await RefusedAsync(path, new { clip, model = "general", scene = Scene("../../etc") }, "unknown scene model '../../etc'");
            await RefusedAsync(path, new { clip, model = "general", scene = Scene("org/some-model") }, "unknown scene model 'org/some-model'");
            await RefusedAsync(path, new { clip, model = "general", scene = new { prompt = "a", motion = "walk", walkPrompts = new[] { "only one" }, model } }, "two or more prompts");
        }
        await RefusedAsync("/api/scene/preview?frame=999", new { clip, model = "general", scene = Scene(model) }, "frame 999 is not in the clip (0 to 23)");
        Assert.Equal(0, (await QueueTests.ReadAsync(await client.GetAsync("/api/jobs", Ct))).GetArrayLength());
    }

    private static string SaveDataUrl(StudioHost host, string url)
    {
        Assert.StartsWith("data:image/png;base64,", url, StringComparison.Ordinal);
        var path = Path.Combine(host.DataFolder, "work", Guid.NewGuid().ToString("N") + ".png");
        File.WriteAllBytes(path, Convert.FromBase64String(url["data:image/png;base64,".Length..]));
        return path;
    }

    private static double MeanDifference(RgbImage a, RgbImage b, int x0, int y0, int width, int height)
    {
        long sum = 0;
        for (var y = y0; y < y0 + height; y++)
            for (var x = x0 * 3; x < (x0 + width) * 3; x++)
                sum += Math.Abs(a.Pixels[y * a.Width * 3 + x] - b.Pixels[y * b.Width * 3 + x]);
        return sum / (double)(width * height * 3);
    }
}
