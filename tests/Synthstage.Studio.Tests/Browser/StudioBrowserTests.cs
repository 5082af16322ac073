using System.Diagnostics;
using Microsoft.Playwright;
using Synthstage.Provenance;

namespace Synthstage.Studio.Tests.Browser;

/// <summary>The studio in a real browser, as a user works it.</summary>
public sealed class StudioBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Upload_click_the_person_pick_a_colour_render_and_download_a_verified_video()
    {
        var coffee = SharedData.Require("footage/coffee.mp4");
        await TestModels.RequireSelfieStoreAsync();
        await using var session = await BrowserSession.StartAsync();
        await session.RunAsync("end-to-end", async context =>
        {
            var page = await context.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(session.Address + "/");
            await page.WaitForFunctionAsync("() => window.studio && window.studio.loadedAt !== undefined && document.querySelector('#model option')");
            output.WriteLine($"page load: {clock.ElapsedMilliseconds} ms");

            await page.SetInputFilesAsync("#file", coffee);
            await Assertions.Expect(page.Locator("#editor")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#clip-info")).ToContainTextAsync("287 frames");
            await page.Locator("#scrubber").FillAsync("120");
            await Assertions.Expect(page.Locator("#frame-label")).ToHaveTextAsync("frame 120 of 287");
            await page.WaitForFunctionAsync("() => document.querySelector('#frame').complete && document.querySelector('#frame').naturalWidth > 0");

            await page.Locator("#model").SelectOptionAsync("general");
            var box = (await page.Locator("#frame").BoundingBoxAsync())!;
            // Warm: the first click loads the model; the quoted time is a later click, as a user clicking around sees it.
            await ClickAndWaitForOverlayAsync(page, box, 0.5, 0.45);
            var selfieMs = await ClickAndWaitForOverlayAsync(page, box, 0.52, 0.5);
            output.WriteLine($"click to overlay, selfie general at 1280×720: {selfieMs:F0} ms");
            await Assertions.Expect(page.Locator("#overlay")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#matte-status")).ToContainTextAsync("subject covers");
            await Assertions.Expect(page.Locator("#model-licence")).ToContainTextAsync("Apache-2.0");
            await page.Locator("#frame").ClickAsync(new LocatorClickOptions { Position = new Position { X = box.Width * 0.05f, Y = box.Height * 0.1f }, Modifiers = [KeyboardModifier.Shift] });
            await Assertions.Expect(page.Locator(".marker.exclude")).ToHaveCountAsync(1);
            await BrowserSession.DocumentAsync(page, "clip");

            await page.Locator("#colour").FillAsync("#1e3c78");
            await page.Locator("#render").ClickAsync();
            await Assertions.Expect(page.Locator("#render-message")).ToContainTextAsync("added to the queue");
            await page.Locator("nav button[data-tab=queue]").ClickAsync();
            var job = page.Locator("#jobs li").First;
            await Assertions.Expect(job.Locator(".progress-text")).ToContainTextAsync("frames/s", new() { Timeout = 120_000 });
            await BrowserSession.DocumentAsync(page, "queue");
            await Assertions.Expect(job).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 300_000 });
            await Assertions.Expect(job.Locator(".percent")).ToHaveTextAsync("100 %");
            var latencies = await page.EvaluateAsync<double[]>("() => window.studio.eventLatencies");
            output.WriteLine($"progress events: {latencies.Length}, latency median {Median(latencies):F0} ms, max {latencies.Max():F0} ms");

            await page.Locator("nav button[data-tab=gallery]").ClickAsync();
            var card = page.Locator(".card").First;
            await Assertions.Expect(card.Locator(".provenance")).ToContainTextAsync("made by Synthstage — background replaced", new() { Timeout = 400_000 });
            await page.WaitForFunctionAsync("() => document.querySelector('.card img').complete && document.querySelector('.card img').naturalWidth > 0");
            await BrowserSession.DocumentAsync(page, "gallery");
            var download = await page.RunAndWaitForDownloadAsync(() => card.Locator("a.download").ClickAsync());
            var saved = Path.Combine(session.DataFolder, "work", "downloaded.mp4");
            await download.SaveAsAsync(saved);
            var report = await ProvenanceVerifier.VerifyAsync(saved, ct: TestContext.Current.CancellationToken);
            Assert.NotNull(report.TrustedManifest);
            Assert.Equal("#1e3c78", report.TrustedManifest!.Parameters["background"]);
            Assert.True(report.Watermark.Found);

            await card.Locator("button[data-act=again]").ClickAsync();
            await Assertions.Expect(page.Locator("#render-message")).ToContainTextAsync("settings loaded from the output's manifest");
            Assert.Equal("#1e3c78", await page.Locator("#colour").InputValueAsync());
            await page.Locator("nav button[data-tab=models]").ClickAsync();
            await Assertions.Expect(page.Locator("#model-rows")).ToContainTextAsync("mediapipe-pose");
        });
    }

    [Fact]
    public async Task Click_to_overlay_with_BlazePose_at_720p()
    {
        var coffee = SharedData.Require("footage/coffee.mp4");
        await TestModels.RequirePoseStoreAsync();
        await using var session = await BrowserSession.StartAsync();
        await session.RunAsync("pose", async context =>
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(session.Address + "/");
            await page.SetInputFilesAsync("#file", coffee);
            await Assertions.Expect(page.Locator("#editor")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.WaitForFunctionAsync("() => document.querySelector('#frame').complete && document.querySelector('#frame').naturalWidth > 0");
            await page.Locator("#model").SelectOptionAsync("pose-full");
            await Assertions.Expect(page.Locator("#model-licence")).ToContainTextAsync("Apache-2.0");
            var box = (await page.Locator("#frame").BoundingBoxAsync())!;
            await ClickAndWaitForOverlayAsync(page, box, 0.5, 0.45);
            var poseMs = await ClickAndWaitForOverlayAsync(page, box, 0.5, 0.5);
            output.WriteLine($"click to overlay, pose-full at 1280×720: {poseMs:F0} ms");
            await Assertions.Expect(page.Locator("#matte-status")).ToContainTextAsync("pose-full");
        });
    }

    [Fact]
    public async Task A_token_protected_studio_refuses_the_browser_until_it_opens_the_printed_address()
    {
        const string token = "browser-test-token-0123456789";
        await using var session = await BrowserSession.StartAsync(token);
        await session.RunAsync("token", async context =>
        {
            var page = await context.NewPageAsync();
            var refused = await page.GotoAsync(session.Address + "/");
            Assert.Equal(401, refused!.Status);
            Assert.Contains("needs its token", await page.ContentAsync(), StringComparison.Ordinal);
            var opened = await page.GotoAsync($"{session.Address}/?token={token}");
            Assert.Equal(200, opened!.Status);
            Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Synthstage Studio");
            var cookies = await context.CookiesAsync();
            Assert.True(Assert.Single(cookies).HttpOnly);
            // Another browser profile, without the cookie, is refused again.
            var stranger = await session.Browser.NewPageAsync();
            Assert.Equal(401, (await stranger.GotoAsync(session.Address + "/api/clips"))!.Status);
            await stranger.CloseAsync();
        });
    }

    private static async Task<double> ClickAndWaitForOverlayAsync(IPage page, LocatorBoundingBoxResult box, double x, double y)
    {
        await page.EvaluateAsync("() => { window.studio.lastMatteMs = null; }");
        await page.Locator("#frame").ClickAsync(new LocatorClickOptions { Position = new Position { X = (float)(box.Width * x), Y = (float)(box.Height * y) } });
        await page.WaitForFunctionAsync("() => window.studio.lastMatteMs !== null", null, new() { Timeout = 120_000 });
        return await page.EvaluateAsync<double>("() => window.studio.lastMatteMs");
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
