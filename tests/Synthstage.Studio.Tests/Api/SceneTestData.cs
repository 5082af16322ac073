using System.Net.Http.Headers;
using System.Text.Json;
using Synthstage.Forge;

namespace Synthstage.Studio.Tests.Api;

/// <summary>
/// What the prompt and walk tests share: a tiny forged Stable Diffusion model (seeded random weights in the diffusers
/// ONNX layout, forged once per test run) copied into a studio's <c>models/</c> folder, a short excerpt of coffee.mp4,
/// and a reader of a preview's Server-Sent Events.
/// </summary>
internal static class SceneTestData
{
    private static readonly Lazy<Task<string>> Forged = new(async () =>
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("ss-studio-forge-").FullName, "tiny");
        await StableDiffusionForge.WriteAsync(new ForgeOptions
        {
            OutputDirectory = folder,
            VocabularySource = SharedData.Require("clip/bpe_simple_vocab_16e6.txt.gz"),
            Scale = ForgeScale.Tiny,
            Seed = 1234,
        });
        return folder;
    });

    /// <summary>Copies the tiny forged model into <c>models/tiny</c> of <paramref name="dataFolder"/> (skips without the CLIP vocabulary) and returns its name for requests.</summary>
    public static async Task<string> InstallTinyModelAsync(string dataFolder)
    {
        SharedData.Require("clip/bpe_simple_vocab_16e6.txt.gz");
        var source = await Forged.Value;
        var target = Path.Combine(dataFolder, "models", "tiny");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }
        return "models/tiny";
    }

    /// <summary>The first <paramref name="frames"/> frames of coffee.mp4 (stream copy, audio kept) in a temporary file.</summary>
    public static async Task<byte[]> CoffeeExcerptAsync(int frames)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ss-studio-clip-").FullName, "coffee.mp4");
        await RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "copy", path);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        return bytes;
    }

    /// <summary>Runs ffmpeg with <paramref name="args"/> and fails the test on a non-zero exit.</summary>
    public static async Task RunFfmpegAsync(params string[] args)
    {
        var result = await Synthstage.Media.FfmpegTools.RunAsync(Synthstage.Media.FfmpegTools.FfmpegPath, ["-nostdin", "-v", "error", "-y", .. args], TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, $"ffmpeg failed: {result.FirstErrorLine}");
    }

    /// <summary>Uploads <paramref name="bytes"/> as <paramref name="name"/> to <paramref name="path"/> (the clip or audio upload).</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string path, byte[] bytes, string name)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-File-Name", Uri.EscapeDataString(name));
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Reads a preview's events until it ends; <paramref name="onEvent"/> sees each as it arrives.</summary>
    public static async Task<List<(string Kind, JsonElement Data)>> ReadEventsAsync(HttpClient client, string url, Func<string, JsonElement, Task>? onEvent = null)
    {
        var events = new List<(string, JsonElement)>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} for {url}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        string? kind = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && kind is not null)
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                events.Add((kind, data));
                if (onEvent is not null) await onEvent(kind, data);
                if (kind is "done" or "stopped" or "error") break;
            }
        }
        return events;
    }
}
