using System.Net.Http.Json;
using System.Text.Json;

namespace Synthstage.Studio.Tests.Api;

/// <summary>The gallery's "use these settings again" for a walk: the request read back from the output's manifest, not from the job store.</summary>
public sealed class WalkRecallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_walk_s_settings_come_back_from_its_manifest_as_the_request_that_was_queued()
    {
        SharedData.RequireFfmpeg();
        using var host = new StudioHost();
        using var client = host.Client();
        var model = await SceneTestData.InstallTinyModelAsync(host.DataFolder);
        var beat = Path.Combine(Directory.CreateTempSubdirectory("ss-studio-recall-").FullName, "tone.wav");
        await SceneTestData.RunFfmpegAsync("-f", "lavfi", "-i", "sine=frequency=220:duration=1", beat);
        var audio = (await QueueTests.ReadAsync(await SceneTestData.UploadAsync(client, "/api/walks/audio", await File.ReadAllBytesAsync(beat, Ct), "tone.wav")))
            .GetProperty("path").GetString()!;
        Directory.Delete(Path.GetDirectoryName(beat)!, recursive: true);

        // Nothing at its default but the last keyframe's frames (nothing follows it, so it is not a setting).
        var queued = new WalkRequest
        {
            Keyframes =
            [
                new("a forest in spring", 11, "", 2),
                new("the forest in summer", 12, "people", 3),
                new("the same forest in winter", 13, "fog, blur"),
            ],
            Audio = audio,
            Smooth = 0.35,
            Width = 64,
            Height = 96,
            Fps = 6,
            Steps = 2,
            Guidance = 6.5f,
            Scheduler = "euler",
            Model = model,
        };
        var job = await QueueTests.ReadAsync(await client.PostAsJsonAsync("/api/walks", queued, Ct));
        var id = job.GetProperty("id").GetString()!;
        await QueueTests.WaitForAsync(client, id, "Done");

        var recalled = await QueueTests.ReadAsync(await client.GetAsync($"/api/gallery/{id}/settings", Ct));
        // Every setting the walks page sets, from the manifest (the endpoint reads no job request for a walk).
        var walk = recalled.GetProperty("walk").Deserialize<WalkRequest>(JobStore.Json)!;
        Assert.Equal(JsonSerializer.Serialize(queued, JobStore.Json), JsonSerializer.Serialize(walk, JobStore.Json));
    }
}
