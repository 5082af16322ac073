using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Synthstage.Imaging;
using Synthstage.Media;
using Synthstage.Provenance;

namespace Synthstage.Studio.Tests.Api;

/// <summary>The walks page's API against the real app in-process, with a tiny forged Stable Diffusion model and real ffmpeg.</summary>
public sealed class WalkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Walk(string model, string? audio = null, int steps = 2, object[]? keyframes = null) => new
    {
        keyframes = keyframes ?? [new { prompt = "a forest in spring", seed = 1, negative = "", frames = 4 }, new { prompt = "the same forest in winter", seed = 2, negative = "fog", frames = 4 }],
        audio, width = 128, height = 128, fps = 8, steps, guidance = 7.5, model, scheduler = "euler",
    };

    private static async Task<(StudioHost Host, HttpClient Client, string Model)> StartAsync()
    {
        SharedData.RequireFfmpeg();
        var host = new StudioHost();
        var model = await SceneTestData.InstallTinyModelAsync(host.DataFolder);
        return (host, host.Client(), model);
    }

    /// <summary>Two seconds of clicks (four a second) over a low tone, as WAV.</summary>
    private static async Task<byte[]> BeatAsync()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ss-studio-beat-").FullName, "beat.wav");
        await SceneTestData.RunFfmpegAsync("-f", "lavfi", "-i", "aevalsrc='0.2*sin(2*PI*110*t)+0.8*exp(-60*mod(t,0.25))*sin(2*PI*1800*t)':s=44100:d=2", path);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        return bytes;
    }

    [Fact]
    public async Task A_walk_paced_by_uploaded_audio_renders_through_the_queue_and_verifies_as_whole_frame_synthetic()
    {
        var (host, client, model) = await StartAsync();
        using var _ = host;
        using var __ = client;
        var audio = await QueueTests.ReadAsync(await SceneTestData.UploadAsync(client, "/api/walks/audio", await BeatAsync(), "beat.wav"));
        Assert.Equal("beat.wav", audio.GetProperty("name").GetString());
        Assert.Equal(44100, audio.GetProperty("sampleRate").GetInt32());
        var audioPath = audio.GetProperty("path").GetString()!;
        // Audio is not a clip: the clip page does not list it.
        Assert.DoesNotContain(audioPath, await client.GetStringAsync("/api/clips", Ct), StringComparison.Ordinal);

        var job = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/walks", Walk(model, audioPath), Ct));
        Assert.Equal("walk", job.GetProperty("kind").GetString());
        Assert.Equal("walk \"a forest in spring\" (2 keyframes)", job.GetProperty("title").GetString());
        var id = job.GetProperty("id").GetString()!;
        var done = await QueueTests.WaitForAsync(client, id, "Done");
        var output = Path.Combine(host.DataFolder, done.GetProperty("output").GetString()!);
        var info = await MediaProbe.ProbeAsync(output, Ct);
        Assert.Equal(5, info.FrameCount);
        Assert.Equal((128, 128), (info.Width, info.Height));
        Assert.True(info.HasAudio);

        var provenance = await QueueTests.ReadAsync(await client.GetAsync($"/api/gallery/{id}/provenance", Ct));
        Assert.True(provenance.GetProperty("trusted").GetBoolean());
        Assert.Equal("made by Synthstage — whole frame synthetic", provenance.GetProperty("verdict").GetString());
        Assert.Equal("4", provenance.GetProperty("parameters").GetProperty("segment-frames").GetString());
        var gallery = await client.GetStringAsync("/api/gallery", Ct);
        Assert.Contains(id, gallery, StringComparison.Ordinal);
        Assert.Equal("image/jpeg", (await client.GetAsync($"/api/gallery/{id}/poster", Ct)).Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_keyframe_preview_is_the_one_image_of_that_keyframe_with_its_steps_live()
    {
        var (host, client, model) = await StartAsync();
        using var _ = host;
        using var __ = client;
        var started = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/walks/preview?keyframe=1", Walk(model, steps: 3), Ct));
        var events = await SceneTestData.ReadEventsAsync(client, started.GetProperty("events").GetString()!);
        Assert.Equal([1, 2, 3], events.Where(e => e.Kind == "step").Select(e => e.Data.GetProperty("step").GetInt32()));
        Assert.Equal("done", events[^1].Kind);
        var path = Path.Combine(host.DataFolder, "work", "keyframe.png");
        await File.WriteAllBytesAsync(path, await client.GetByteArrayAsync(started.GetProperty("image").GetString(), Ct), Ct);
        var image = RgbImage.Load(path);
        Assert.Equal((128, 128), (image.Width, image.Height));
        var report = await ProvenanceVerifier.VerifyAsync(path, ct: Ct);
        Assert.Equal("made by Synthstage — whole frame synthetic", OutputProvenance.From(report).Verdict);
        Assert.Equal("the same forest in winter", Assert.Single(report.TrustedManifest!.Prompts).Prompt);

        // Another keyframe is another image.
        var first = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/walks/preview?keyframe=0", Walk(model, steps: 3), Ct));
        Assert.Equal("done", (await SceneTestData.ReadEventsAsync(client, first.GetProperty("events").GetString()!))[^1].Kind);
        var other = Path.Combine(host.DataFolder, "work", "keyframe0.png");
        await File.WriteAllBytesAsync(other, await client.GetByteArrayAsync(first.GetProperty("image").GetString(), Ct), Ct);
        Assert.NotEqual(image.Pixels, RgbImage.Load(other).Pixels);
    }

    [Fact]
    public async Task Bad_walks_and_non_audio_for_pacing_are_refused_with_one_line_each()
    {
        var (host, client, model) = await StartAsync();
        using var _ = host;
        using var __ = client;
        static async Task<string> RefusedAsync(HttpResponseMessage response, string expected)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
            var error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
            return error;
        }
        await RefusedAsync(await SceneTestData.UploadAsync(client, "/api/walks/audio", "not a song at all\n"u8.ToArray(), "notes.mp3"), "'notes.mp3' is not an audio file Synthstage can read");
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        await RefusedAsync(await SceneTestData.UploadAsync(client, "/api/walks/audio", png, "cover.png"), "'cover.png' has no audio to pace the walk with");
        await RefusedAsync(await SceneTestData.UploadAsync(client, "/api/walks/audio", [], "empty.wav"), "'empty.wav' is empty (0 bytes)");

        foreach (var path in new[] { "/api/walks", "/api/walks/preview" })
        {
            await RefusedAsync(await client.PostAsJsonAsync(path, Walk(model, steps: 5000), Ct), "steps must be 1 to 150 (got 5000)");
            await RefusedAsync(await client.PostAsJsonAsync(path, Walk(model, keyframes: [new { prompt = "", seed = 1, frames = 4 }, new { prompt = "b", seed = 2, frames = 4 }]), Ct),
                "keyframe 1 has an empty prompt");
            await RefusedAsync(await client.PostAsJsonAsync(path, Walk("/etc"), Ct), "unknown scene model '/etc'");
        }
        await RefusedAsync(await client.PostAsJsonAsync("/api/walks", Walk(model, keyframes: [new { prompt = "only", seed = 1, frames = 4 }]), Ct), "a walk needs at least two keyframes (got 1)");
        await RefusedAsync(await client.PostAsJsonAsync("/api/walks", Walk(model, audio: "uploads/missing.wav"), Ct), "audio 'uploads/missing.wav' is not in the data folder");
        await RefusedAsync(await client.PostAsJsonAsync("/api/walks", Walk(model, keyframes: [new { prompt = "a", seed = 1, frames = 0 }, new { prompt = "b", seed = 2, frames = 4 }]), Ct),
            "keyframe 1: frames to the next keyframe must be 1 to 1440 (got 0)");
        await RefusedAsync(await client.PostAsJsonAsync("/api/walks", new { keyframes = new[] { new { prompt = "a", seed = 1 }, new { prompt = "b", seed = 2 } }, width = 100, model }, Ct), "100");
        await RefusedAsync(await client.PostAsJsonAsync("/api/walks/preview?keyframe=5", Walk(model), Ct), "keyframe 6 does not exist (the walk has 2)");
        Assert.Equal(0, (await QueueTests.ReadAsync(await client.GetAsync("/api/jobs", Ct))).GetArrayLength());
    }
}
