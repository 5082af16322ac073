using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Synthstage.Studio.Tests.Api;

/// <summary>Uploads: probed by content, stored under their SHA-256, refused with a clear line when empty, not media, cut short or too big.</summary>
public sealed class UploadTests
{
    [Fact]
    public async Task A_video_is_stored_under_its_content_hash_whatever_its_name()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        using var host = new StudioHost();
        using var client = host.Client();
        var bytes = await File.ReadAllBytesAsync(coffee, TestContext.Current.CancellationToken);
        var response = await UploadAsync(client, bytes, "holiday.txt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var clip = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var path = clip.RootElement.GetProperty("path").GetString()!;
        Assert.Equal($"uploads/{Convert.ToHexStringLower(SHA256.HashData(bytes))}.mp4", path);
        Assert.Equal("holiday.txt", clip.RootElement.GetProperty("name").GetString());
        Assert.Equal(1280, clip.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(287, clip.RootElement.GetProperty("frameCount").GetInt32());
        Assert.Equal(bytes, await client.GetByteArrayAsync("/api/files/" + path, TestContext.Current.CancellationToken));
        Assert.Contains(path, await client.GetStringAsync("/api/clips", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(host.DataFolder, "work")));
    }

    [Fact]
    public async Task Empty_non_media_truncated_and_oversized_uploads_get_one_clear_line_each()
    {
        SharedData.RequireFfmpeg();
        var coffee = await File.ReadAllBytesAsync(SharedData.Require("footage/coffee.mp4"), TestContext.Current.CancellationToken);
        using var host = new StudioHost(maxUploadBytes: coffee.Length + 10);
        using var client = host.Client();

        await AssertRefusedAsync(client, [], "empty.mp4", "'empty.mp4' is empty (0 bytes)");
        await AssertRefusedAsync(client, "just some notes\n"u8.ToArray(), "notes.mp4", "'notes.mp4' is not a video or image Synthstage can read");
        await AssertRefusedAsync(client, coffee[..(coffee.Length / 2)], "cut.mp4", "'cut.mp4' is truncated or damaged");
        await AssertRefusedAsync(client, [.. coffee, .. new byte[100]], "big.mp4", "larger than the upload limit", HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(Directory.GetFiles(Path.Combine(host.DataFolder, "uploads")));
        Assert.Empty(Directory.GetFiles(Path.Combine(host.DataFolder, "work")));
    }

    private static async Task AssertRefusedAsync(HttpClient client, byte[] bytes, string name, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var response = await UploadAsync(client, bytes, name);
        Assert.Equal(status, response.StatusCode);
        var error = await SecurityTests.ErrorOf(response);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error, StringComparison.Ordinal);
    }

    internal static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/clips/upload") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("X-File-Name", Uri.EscapeDataString(name));
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
