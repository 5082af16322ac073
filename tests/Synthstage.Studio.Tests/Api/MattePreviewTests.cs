using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Synthstage.Media;

namespace Synthstage.Studio.Tests.Api;

/// <summary>
/// "Preview matte of whole clip" against the real app in-process: real selfie segmentation, real ffmpeg, the preview
/// checked with ffprobe and by decoding its frames with the ffmpeg command line.
/// </summary>
public sealed class MattePreviewTests(ITestOutputHelper output)
{
    // 90 frames (3 s) of coffee.mp4 keep the suite short; the whole clip's time is measured in docs/studio.md.
    private const int Frames = 90;

    // Frame 60 of coffee.mp4: the person's white shirt fills the centre, the wooden wall is at the top left.
    private const int Sampled = 60;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Person(int frame = Sampled) => new { x = 0.5, y = 0.45, frame, include = true };

    [Fact]
    public async Task The_whole_clip_is_previewed_small_with_the_subject_in_colour_the_room_dimmed_and_asking_again_is_instant()
    {
        var (host, client, clip) = await StartAsync();
        using var _ = host;
        using var __ = client;
        var request = new { clip, model = "general", points = new[] { Person() } };

        var clock = Stopwatch.StartNew();
        var started = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/matte-preview", request, Ct));
        Assert.False(started.GetProperty("cached").GetBoolean());
        Assert.Equal((320, 180, Frames), (started.GetProperty("width").GetInt32(), started.GetProperty("height").GetInt32(), started.GetProperty("frames").GetInt32()));
        var events = await SceneTestData.ReadEventsAsync(client, started.GetProperty("events").GetString()!);
        var first = clock.Elapsed;
        var (kind, end) = events[^1];
        Assert.True(kind == "done", $"the preview ended {kind}: {end}");
        var steps = events.Where(e => e.Kind == "step").Select(e => e.Data.GetProperty("frame").GetInt32()).ToList();
        // Frame n of N, every frame once, in order.
        Assert.Equal(Enumerable.Range(1, Frames), steps);
        Assert.All(events.Where(e => e.Kind == "step"), e => Assert.Equal(Frames, e.Data.GetProperty("frames").GetInt32()));
        output.WriteLine($"matte preview of {Frames} frames at 320×180: {first.TotalSeconds:F1} s ({Frames / first.TotalSeconds:F1} frames/s): {end.GetProperty("message").GetString()}");

        var video = await SaveVideoAsync(host, client, end.GetProperty("video").GetString()!, "preview.webm");
        var probe = await CountFramesAsync(video);
        Assert.Equal(("vp9", 320, 180, Frames), probe);

        // The sampled frame: the shirt keeps its own colours, the wall is dimmed to a blue-grey.
        var preview = Synthstage.Tests.TestFrames.Decode(video, Sampled, 320, 180);
        var source = Synthstage.Tests.TestFrames.Decode(Path.Combine(host.DataFolder, clip), Sampled, 320, 180);
        var (shirt, shirtSource) = (Mean(preview, 0.62, 0.30), Mean(source, 0.62, 0.30));
        var (wall, wallSource) = (Mean(preview, 0.06, 0.10), Mean(source, 0.06, 0.10));
        output.WriteLine($"shirt {shirt} (source {shirtSource}), wall {wall} (source {wallSource})");
        Assert.True(Luma(shirt) > 0.85 * Luma(shirtSource), $"the subject is dimmed: {shirt} against {shirtSource}");
        Assert.True(Luma(shirt) > 170, $"the subject is not bright: {shirt}");
        Assert.True(Luma(wall) < 0.5 * Luma(wallSource), $"the wall is not dimmed: {wall} against {wallSource}");
        // The source wall is warm wood (red above blue); the preview's is tinted blue like the click overlay.
        Assert.True(wallSource.R > wallSource.B && wall.B > wall.R + 10, $"the wall is not tinted: {wall} against {wallSource}");

        // The same request again: served from the cache, no frame rendered.
        clock.Restart();
        var again = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/matte-preview", request, Ct));
        var repeated = await SceneTestData.ReadEventsAsync(client, again.GetProperty("events").GetString()!);
        var second = clock.Elapsed;
        output.WriteLine($"from the cache: {second.TotalMilliseconds:F0} ms (first {first.TotalMilliseconds:F0} ms)");
        Assert.True(again.GetProperty("cached").GetBoolean());
        Assert.Equal("done", repeated[^1].Kind);
        Assert.DoesNotContain(repeated, e => e.Kind == "step");
        Assert.Contains("from the cache", repeated[^1].Data.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(video, Ct), await client.GetByteArrayAsync(again.GetProperty("video").GetString(), Ct));

        var status = await QueueTests.ReadAsync(await client.GetAsync(again.GetProperty("status").GetString(), Ct));
        Assert.Equal(("done", Frames, Frames), (status.GetProperty("state").GetString(), status.GetProperty("frame").GetInt32(), status.GetProperty("frames").GetInt32()));
        // Nothing half-written is left, and everything stays in the data folder's work folder.
        Assert.Empty(Directory.GetFiles(Path.Combine(host.DataFolder, "work", "matte-previews"), "*partial*"));
    }

    [Fact]
    public async Task The_preview_follows_the_points_an_excluded_mug_is_dimmed_and_a_point_on_nothing_is_refused()
    {
        var (host, client, clip) = await StartAsync();
        using var _ = host;
        using var __ = client;
        // The person (a point on the shirt) with the mug they hold excluded (a point on it in frame 0, where it stands on
        // the table): the render's selection takes the mug's region off the matte and follows it as it is lifted.
        var started = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/matte-preview",
            new { clip, model = "general", points = new[] { new { x = 0.62, y = 0.3, frame = 0, include = true }, new { x = 0.68, y = 0.72, frame = 0, include = false } } }, Ct));
        var events = await SceneTestData.ReadEventsAsync(client, started.GetProperty("events").GetString()!);
        Assert.True(events[^1].Kind == "done", $"the preview ended {events[^1].Kind}: {events[^1].Data}");
        output.WriteLine("with the mug excluded: " + events[^1].Data.GetProperty("message").GetString());
        var video = await SaveVideoAsync(host, client, events[^1].Data.GetProperty("video").GetString()!, "excluded.webm");
        var plain = await PreviewAsync(client, host, clip, new[] { new { x = 0.62, y = 0.3, frame = 0, include = true } }, "plain.webm");
        var (mug, mugPlain) = (Mean(Synthstage.Tests.TestFrames.Decode(video, Sampled, 320, 180), 0.64, 0.64), Mean(Synthstage.Tests.TestFrames.Decode(plain, Sampled, 320, 180), 0.64, 0.64));
        var (shirt, shirtPlain) = (Mean(Synthstage.Tests.TestFrames.Decode(video, Sampled, 320, 180), 0.62, 0.30), Mean(Synthstage.Tests.TestFrames.Decode(plain, Sampled, 320, 180), 0.62, 0.30));
        output.WriteLine($"mug excluded {mug}, kept {mugPlain}; shirt {shirt}, {shirtPlain}");
        Assert.True(Luma(mug) < 0.7 * Luma(mugPlain), $"the excluded mug is not dimmed: {mug} against {mugPlain}");
        Assert.True(Luma(shirt) > 0.9 * Luma(shirtPlain), $"the person went with the mug: {shirt} against {shirtPlain}");

        // A point on the wall is under no keyed region: the engine's selection refuses it, as it refuses it for a render.
        var wall = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/matte-preview",
            new { clip, model = "general", points = new[] { new { x = 0.06, y = 0.1, frame = 0, include = true } } }, Ct));
        var refused = await SceneTestData.ReadEventsAsync(client, wall.GetProperty("events").GetString()!);
        Assert.Equal("error", refused[^1].Kind);
        var message = refused[^1].Data.GetProperty("message").GetString()!;
        Assert.Contains("keys nothing under the point in frame 0", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(wall.GetProperty("video").GetString(), Ct)).StatusCode);
    }

    private static async Task<string> PreviewAsync(HttpClient client, StudioHost host, string clip, object points, string name)
    {
        var started = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/matte-preview", new { clip, model = "general", points }, Ct));
        var events = await SceneTestData.ReadEventsAsync(client, started.GetProperty("events").GetString()!);
        Assert.True(events[^1].Kind == "done", $"the preview ended {events[^1].Kind}: {events[^1].Data}");
        return await SaveVideoAsync(host, client, events[^1].Data.GetProperty("video").GetString()!, name);
    }

    [Fact]
    public async Task Stopping_a_preview_ends_it_stopped_and_leaves_no_video()
    {
        var (host, client, clip) = await StartAsync();
        using var _ = host;
        using var __ = client;
        var started = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/matte-preview",
            new { clip, model = "general", points = new[] { Person() } }, Ct));
        var id = started.GetProperty("id").GetString();
        var events = await SceneTestData.ReadEventsAsync(client, started.GetProperty("events").GetString()!, async (kind, data) =>
        {
            if (kind == "step" && data.GetProperty("frame").GetInt32() == 5)
                await QueueTests.ReadAsync(await client.PostAsync($"/api/matte-preview/{id}/stop", null, Ct));
        });
        var (kind, end) = events[^1];
        Assert.True(kind == "stopped", $"the preview ended {kind}: {end}");
        Assert.StartsWith("stopped at frame ", end.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(end.GetProperty("frame").GetInt32() < Frames);
        var video = await client.GetAsync(started.GetProperty("video").GetString(), Ct);
        Assert.Equal(HttpStatusCode.NotFound, video.StatusCode);
        Assert.Contains("has no video", await SecurityTests.ErrorOf(video), StringComparison.Ordinal);
        var previews = Path.Combine(host.DataFolder, "work", "matte-previews");
        Assert.Empty(Directory.GetFiles(previews, "*.webm"));
        Assert.Empty(Directory.GetFiles(previews, "*partial*"));
    }

    [Fact]
    public async Task A_bad_model_a_point_outside_the_frame_or_past_the_end_and_a_missing_clip_get_one_line_400s()
    {
        SharedData.RequireFfmpeg();
        using var host = new StudioHost();
        using var client = host.Client();
        var clip = (await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, await SceneTestData.CoffeeExcerptAsync(12), "coffee.mp4")))
            .GetProperty("path").GetString()!;

        await AssertRefusedAsync(client, new { clip, model = "no-such-model", points = Array.Empty<object>() }, "unknown model 'no-such-model'");
        await AssertRefusedAsync(client, new { clip, model = "general", points = new[] { new { x = 1.5, y = 0.5, frame = 0, include = true } } },
            "a subject point must lie in the frame");
        await AssertRefusedAsync(client, new { clip, model = "general", points = new[] { new { x = 0.5, y = 0.5, frame = 12, include = true } } },
            "the clip has frames 0 to 11");
        await AssertRefusedAsync(client, new { clip = "uploads/missing.mp4", model = "general", points = Array.Empty<object>() }, "not a file in the data folder");
        await AssertRefusedAsync(client, new { clip = "../outside.mp4", model = "general", points = Array.Empty<object>() }, "not a file in the data folder");
        var unknown = await client.GetAsync("/api/matte-preview/nothing", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("no matte preview 'nothing'", await SecurityTests.ErrorOf(unknown));
        // Refused before anything ran.
        Assert.False(Directory.Exists(Path.Combine(host.DataFolder, "work", "matte-previews")));
    }

    private static async Task AssertRefusedAsync(HttpClient client, object body, string message)
    {
        var response = await client.PostAsJsonAsync("/api/matte-preview", body, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await SecurityTests.ErrorOf(response);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
    }

    private static async Task<(StudioHost Host, HttpClient Client, string Clip)> StartAsync()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var host = new StudioHost();
        var client = host.Client();
        var clip = await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, await SceneTestData.CoffeeExcerptAsync(Frames), "coffee.mp4"));
        return (host, client, clip.GetProperty("path").GetString()!);
    }

    private static async Task<string> SaveVideoAsync(StudioHost host, HttpClient client, string url, string name)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/webm", response.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(host.DataFolder, name);
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync(Ct), Ct);
        return path;
    }

    // Frames counted by decoding (WebM stores no frame count), with ffprobe rather than the engine's own probe.
    private static async Task<(string Codec, int Width, int Height, int Frames)> CountFramesAsync(string video)
    {
        var result = await FfmpegTools.RunAsync(FfmpegTools.FfprobePath,
            ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", video], Ct);
        Assert.True(result.ExitCode == 0, result.FirstErrorLine);
        var stream = JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("streams")[0];
        return (stream.GetProperty("codec_name").GetString()!, stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(),
            int.Parse(stream.GetProperty("nb_read_frames").GetString()!, CultureInfo.InvariantCulture));
    }

    // The mean colour of a 9×9 patch centred at (x, y), given as fractions of a 320×180 frame.
    private static (double R, double G, double B) Mean(byte[] rgb, double x, double y)
    {
        int cx = (int)(x * 320), cy = (int)(y * 180);
        double r = 0, g = 0, b = 0;
        var n = 0;
        for (var yy = cy - 4; yy <= cy + 4; yy++)
            for (var xx = cx - 4; xx <= cx + 4; xx++)
            {
                var i = (yy * 320 + xx) * 3;
                r += rgb[i]; g += rgb[i + 1]; b += rgb[i + 2];
                n++;
            }
        return (Math.Round(r / n, 1), Math.Round(g / n, 1), Math.Round(b / n, 1));
    }

    private static double Luma((double R, double G, double B) c) => 0.299 * c.R + 0.587 * c.G + 0.114 * c.B;
}
