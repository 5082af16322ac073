using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Synthstage.Studio.Tests.Api;

/// <summary>
/// The clip page's single-frame overlay (/api/matte) against the real app: BlazePose keys coffee.mp4's person on a
/// frame of its own, and points on the frame show the subject they select, not the whole model matte.
/// </summary>
public sealed class OverlayMatteTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The mask as bytes and its size.</summary>
    private sealed record Mask(byte[] Values, int Width, int Height, JsonElement Response)
    {
        /// <summary>Mean matte (0..1) over a box given in fractions of the frame.</summary>
        public double Mean(double x, double y, double w, double h)
        {
            double sum = 0;
            var count = 0;
            for (var my = (int)(y * Height); my < (int)((y + h) * Height); my++)
            for (var mx = (int)(x * Width); mx < (int)((x + w) * Width); mx++)
            {
                sum += Values[my * Width + mx] / 255.0;
                count++;
            }
            return sum / count;
        }
    }

    private static async Task<Mask> MatteAsync(HttpClient client, string clip, int frame, string model, object[]? points = null)
    {
        var response = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/matte", new { clip, frame, model, points = points ?? [] }, Ct));
        return new Mask(Convert.FromBase64String(response.GetProperty("mask").GetString()!), response.GetProperty("maskWidth").GetInt32(),
            response.GetProperty("maskHeight").GetInt32(), response);
    }

    [Theory]
    [InlineData("pose-full", new[] { 0, 120, 250 })]
    // pose-lite is sure of nobody in any search crop of frame 250 (docs/studio.md).
    [InlineData("pose-lite", new[] { 0, 120 })]
    public async Task BlazePose_keys_the_person_of_coffee_on_a_single_frame_though_the_face_is_out_of_shot(string model, int[] frames)
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequirePoseStoreAsync();
        var coffee = await File.ReadAllBytesAsync(SharedData.Require("footage/coffee.mp4"), Ct);
        using var host = new StudioHost();
        using var client = host.Client();
        var clip = (await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, coffee, "coffee.mp4"))).GetProperty("path").GetString()!;
        foreach (var frame in frames)
        {
            var matte = await MatteAsync(client, clip, frame, model);
            // Boxes of docs/matte-quality.md (1280×720): the chest (720,60 160×100) and the wooden wall at the top left.
            var chest = matte.Mean(720 / 1280.0, 60 / 720.0, 160 / 1280.0, 100 / 720.0);
            var wall = matte.Mean(20 / 1280.0, 20 / 720.0, 150 / 1280.0, 150 / 720.0);
            var coverage = matte.Response.GetProperty("coverage").GetDouble();
            var ms = matte.Response.GetProperty("milliseconds").GetDouble();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model} frame {frame}: chest {chest:F2}, wall {wall:F2}, coverage {coverage:P1}, {ms:F0} ms on the server"));
            Assert.Equal("model", matte.Response.GetProperty("selection").GetString());
            Assert.True(chest > 0.8, $"frame {frame}: mean matte on the chest {chest:F2}");
            Assert.True(wall < 0.25, $"frame {frame}: mean matte on the wall {wall:F2}");
            Assert.InRange(coverage, 0.15, 0.8);
        }
    }

    [Theory]
    [InlineData("pose-full")]
    [InlineData("general")]
    public async Task A_click_on_the_left_person_of_two_overlays_the_left_person_and_not_the_right_one(string model)
    {
        SharedData.RequireFfmpeg();
        if (model == "general") await TestModels.RequireSelfieStoreAsync();
        await TestModels.RequirePoseStoreAsync();
        using var host = new StudioHost();
        using var client = host.Client();
        var clip = (await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, await TwoJugglersAsync(), "two.mp4"))).GetProperty("path").GetString()!;

        // Points on frame 4 (a frame of its own: the selection starts there), on the left juggler's chest and then on
        // the right one's; an earlier point on another frame is not followed here and the response says so.
        var left = await MatteAsync(client, clip, 4, model,
            [new { x = 0.75, y = 0.3, frame = 40, include = true }, new { x = 0.25, y = 0.3, frame = 4, include = true }]);
        var right = await MatteAsync(client, clip, 4, model, [new { x = 0.75, y = 0.3, frame = 4, include = true }]);
        var (leftL, leftR, rightL, rightR) = (left.Mean(0, 0, 0.5, 1), left.Mean(0.5, 0, 0.5, 1), right.Mean(0, 0, 0.5, 1), right.Mean(0.5, 0, 0.5, 1));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model}: click left → left half {leftL:F3}, right half {leftR:F3}; click right → left half {rightL:F3}, right half {rightR:F3}; {left.Response.GetProperty("milliseconds").GetDouble():F0} ms; note: {left.Response.GetProperty("note")}"));
        Assert.Equal("points", left.Response.GetProperty("selection").GetString());
        Assert.Contains("1 on other frames", left.Response.GetProperty("note").GetString(), StringComparison.Ordinal);
        // A juggler covers about a fifth of their half (0.22–0.25 in the model's matte without points).
        Assert.True(leftL > 0.15 && leftR < 0.01, $"click on the left: left half {leftL:F3}, right half {leftR:F3}");
        Assert.True(rightR > 0.15 && rightL < 0.01, $"click on the right: left half {rightL:F3}, right half {rightR:F3}");
        Assert.True(left.Response.GetProperty("points")[0].GetProperty("matte").GetDouble() >= 0.5);
    }

    [Fact]
    public async Task An_include_point_on_nobody_shows_the_model_s_matte_and_the_render_s_error()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequirePoseStoreAsync();
        using var host = new StudioHost();
        using var client = host.Client();
        var clip = (await QueueTests.ReadAsync(await UploadTests.UploadAsync(client, await TwoJugglersAsync(), "two.mp4"))).GetProperty("path").GetString()!;
        var matte = await MatteAsync(client, clip, 4, "pose-full", [new { x = 0.02, y = 0.98, frame = 4, include = true }]);
        Assert.Equal("failed", matte.Response.GetProperty("selection").GetString());
        Assert.Contains("--subject", matte.Response.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.True(matte.Response.GetProperty("coverage").GetDouble() > 0.05);
    }

    /// <summary>
    /// Two jugglers side by side, 440×360 and 48 frames, as the engine's selection tests make them
    /// (tests/Synthstage.Tests/Selection/TwoPersonClips.cs): juggle.mp4 from frame 0 on the left, from frame 60 on the right.
    /// </summary>
    internal static async Task<byte[]> TwoJugglersAsync()
    {
        var juggle = SharedData.Require("footage/juggle.mp4");
        static string Crop(int start) => string.Create(CultureInfo.InvariantCulture,
            $"trim=start_frame={start}:end_frame={start + 48},setpts=PTS-STARTPTS,crop=440:720:500:0,scale=220:360");
        var path = Path.Combine(Directory.CreateTempSubdirectory("ss-studio-two-").FullName, "two.mp4");
        await SceneTestData.RunFfmpegAsync("-i", juggle, "-filter_complex", $"[0:v]split[s0][s1];[s0]{Crop(0)}[a];[s1]{Crop(60)}[b];[a][b]hstack",
            "-an", "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", path);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        return bytes;
    }
}
