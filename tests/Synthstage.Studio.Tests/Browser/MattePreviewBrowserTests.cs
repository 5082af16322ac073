using Microsoft.Playwright;

namespace Synthstage.Studio.Tests.Browser;

/// <summary>"Preview matte of whole clip" in a real browser: click the person, press the button, watch it reach the last frame, play the result.</summary>
public sealed class MattePreviewBrowserTests(ITestOutputHelper output)
{
    // A 3 s excerpt of coffee.mp4 keeps the test short; the whole clip's time is in docs/studio.md.
    private const int Frames = 90;

    [Fact]
    public async Task Click_the_person_preview_the_matte_of_the_whole_clip_and_play_it()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        await using var session = await BrowserSession.StartAsync();
        var clip = Path.Combine(session.DataFolder, "work", "coffee-3s.mp4");
        await Api.SceneTestData.RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", Frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "copy", clip);
        await session.RunAsync("matte-preview", async context =>
        {
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            // The page has no icon: the browser's own request for one is not an error of the page's scripts.
            page.Console += (_, message) =>
            {
                if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)) errors.Add($"{message.Text} ({message.Location})");
            };
            await page.GotoAsync(session.Address + "/");
            await page.WaitForFunctionAsync("() => window.studio && window.studio.mattePreview && document.querySelector('#model option')");
            await page.SetInputFilesAsync("#file", clip);
            await Assertions.Expect(page.Locator("#clip-info")).ToContainTextAsync($"{Frames} frames", new() { Timeout = 60_000 });
            await page.WaitForFunctionAsync("() => document.querySelector('#frame').complete && document.querySelector('#frame').naturalWidth > 0");
            await page.Locator("#model").SelectOptionAsync("general");
            var box = (await page.Locator("#frame").BoundingBoxAsync())!;
            await page.Locator("#frame").ClickAsync(new LocatorClickOptions { Position = new Position { X = box.Width * 0.62f, Y = box.Height * 0.3f } });
            await Assertions.Expect(page.Locator("#matte-status")).ToContainTextAsync("subject covers", new() { Timeout = 120_000 });
            Assert.Equal(1, await page.EvaluateAsync<int>("() => window.studio.state.points.length"));

            await page.Locator("#matte-preview").ClickAsync();
            await Assertions.Expect(page.Locator("#matte-preview-progress")).ToBeVisibleAsync();
            // Progress reaches the last frame, then the video arrives.
            await Assertions.Expect(page.Locator("#matte-preview-status")).ToContainTextAsync("frames in", new() { Timeout = 120_000 });
            Assert.Equal(Frames, await page.EvaluateAsync<int>("() => document.querySelector('#matte-preview-progress').value"));
            Assert.Equal(Frames, await page.EvaluateAsync<int>("() => document.querySelector('#matte-preview-progress').max"));
            await Assertions.Expect(page.Locator("#matte-preview-video")).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => document.querySelector('#matte-preview-video').readyState >= 2", null, new() { Timeout = 30_000 });
            var size = await page.EvaluateAsync<double[]>(
                "() => { const v = document.querySelector('#matte-preview-video'); return [v.videoWidth, v.videoHeight, v.duration]; }");
            var (width, height, duration) = ((int)size[0], (int)size[1], size[2]);
            output.WriteLine($"preview in the page: {width}×{height}, {duration:F2} s; {await page.Locator("#matte-preview-status").TextContentAsync()}");
            Assert.Equal((320, 180), (width, height));
            // 90 frames at 29.97 fps.
            Assert.InRange(duration, Frames / 29.97 - 0.1, Frames / 29.97 + 0.1);
            // It plays: the position moves.
            await page.EvaluateAsync("() => document.querySelector('#matte-preview-video').play()");
            await page.WaitForFunctionAsync("() => document.querySelector('#matte-preview-video').currentTime > 0.3", null, new() { Timeout = 15_000 });
            await page.Locator("#matte-preview-video").ScrollIntoViewIfNeededAsync();
            await BrowserSession.DocumentAsync(page, "matte-preview");

            // Asked again: the cached preview, at once.
            await page.Locator("#matte-preview").ClickAsync();
            await Assertions.Expect(page.Locator("#matte-preview-status")).ToContainTextAsync("from the cache", new() { Timeout = 10_000 });
            Assert.True(errors.Count == 0, string.Join("; ", errors));
        });
    }
}
