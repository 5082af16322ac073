using Microsoft.Playwright;
using Synthstage.Studio.Tests.Api;

namespace Synthstage.Studio.Tests.Browser;

/// <summary>The prompt background and the walks page in a real browser, with the tiny forged Stable Diffusion model.</summary>
public sealed class PromptBrowserTests(ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Long = new() { Timeout = 300_000 };

    [Fact]
    public async Task A_prompt_scene_shows_its_denoising_steps_live_stops_early_and_renders_to_the_gallery()
    {
        await TestModels.RequireSelfieStoreAsync();
        var excerpt = await SaveAsync(await SceneTestData.CoffeeExcerptAsync(24), "coffee.mp4");
        await using var session = await BrowserSession.StartAsync();
        var model = await SceneTestData.InstallTinyModelAsync(session.DataFolder);
        await session.RunAsync("prompt", async context =>
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(session.Address + "/");
            await page.SetInputFilesAsync("#file", excerpt);
            await Assertions.Expect(page.Locator("#editor")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await page.Locator("#model").SelectOptionAsync("general");
            await page.Locator("input[name=bg][value=prompt]").CheckAsync();
            await Assertions.Expect(page.Locator("#prompt-panel")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator($"#scene-model option[value='{model}']")).ToHaveCountAsync(1);
            await page.Locator("#scene-model").SelectOptionAsync(model);
            await page.Locator("#scene-prompt").FillAsync("a beach at dusk, golden light");
            await page.Locator("#scene-negative").FillAsync("blurry");
            var seed = await page.Locator("#scene-seed").InputValueAsync();
            await page.Locator("#scene-dice").ClickAsync();
            Assert.NotEqual(seed, await page.Locator("#scene-seed").InputValueAsync());
            await page.Locator("#scene-steps").FillAsync("6");
            await page.Locator("#scene-scheduler").SelectOptionAsync("euler");
            await page.Locator("#harmonize").FillAsync("0.3");

            await page.Locator("#scene-preview").ClickAsync();
            // Every step's latent picture reaches the page before the composited frame does.
            await page.WaitForFunctionAsync("() => window.studio.sceneSteps.length >= 1 && document.querySelector('#scene-step').naturalWidth > 0", null, new() { Timeout = 120_000 });
            await Assertions.Expect(page.Locator("#scene-result")).ToBeVisibleAsync(Long);
            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, await page.EvaluateAsync<int[]>("() => window.studio.sceneSteps"));
            await Assertions.Expect(page.Locator("#scene-step-label")).ToHaveTextAsync("step 6 of 6");
            await Assertions.Expect(page.Locator("#scene-status")).ToContainTextAsync("preview ready");
            Assert.StartsWith("data:image/png;base64,", await page.Locator("#scene-step").GetAttributeAsync("src"), StringComparison.Ordinal);
            await page.WaitForFunctionAsync("() => document.querySelector('#scene-result').naturalWidth === 1280");
            await DocumentAsync(page.Locator("#prompt-panel"), "prompt");

            // Stop: a long generation ends after the first steps.
            await page.Locator("#scene-steps").FillAsync("150");
            await page.Locator("#scene-preview").ClickAsync();
            await page.WaitForFunctionAsync("() => window.studio.sceneSteps.length >= 1", null, new() { Timeout = 120_000 });
            await page.Locator("#scene-stop").ClickAsync();
            await Assertions.Expect(page.Locator("#scene-status")).ToContainTextAsync("stopped after step", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#scene-stop")).ToBeHiddenAsync();
            var steps = await page.EvaluateAsync<int[]>("() => window.studio.sceneSteps");
            output.WriteLine($"stopped after {steps.Length} of 150 steps");
            Assert.InRange(steps.Length, 1, 149);

            await page.Locator("#scene-steps").FillAsync("3");
            await page.Locator("#render").ClickAsync();
            await Assertions.Expect(page.Locator("#render-message")).ToContainTextAsync("added to the queue");
            await page.Locator("nav button[data-tab=queue]").ClickAsync();
            await Assertions.Expect(page.Locator("#jobs li").First).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 300_000 });
            await page.Locator("nav button[data-tab=gallery]").ClickAsync();
            var card = page.Locator(".card").First;
            await Assertions.Expect(card.Locator(".provenance")).ToContainTextAsync("made by Synthstage — synthetic background", new() { Timeout = 300_000 });

            // Use these settings again: the scene comes back from the output's manifest.
            await page.Locator("nav button[data-tab=clip]").ClickAsync();
            await page.Locator("#scene-prompt").FillAsync("");
            await page.Locator("#scene-steps").FillAsync("25");
            await page.Locator("input[name=bg][value=colour]").CheckAsync();
            await Assertions.Expect(page.Locator("#prompt-panel")).ToBeHiddenAsync();
            await page.Locator("nav button[data-tab=gallery]").ClickAsync();
            await card.Locator("button[data-act=again]").ClickAsync();
            await Assertions.Expect(page.Locator("#render-message")).ToContainTextAsync("settings loaded from the output's manifest");
            await Assertions.Expect(page.Locator("#prompt-panel")).ToBeVisibleAsync();
            Assert.Equal("a beach at dusk, golden light", await page.Locator("#scene-prompt").InputValueAsync());
            Assert.Equal("blurry", await page.Locator("#scene-negative").InputValueAsync());
            Assert.Equal("3", await page.Locator("#scene-steps").InputValueAsync());
            Assert.Equal(model, await page.Locator("#scene-model").InputValueAsync());
            Assert.Equal("euler", await page.Locator("#scene-scheduler").InputValueAsync());
        });
    }

    [Fact]
    public async Task A_walk_laid_out_with_keyframes_and_music_previews_a_keyframe_and_renders_to_the_gallery()
    {
        SharedData.RequireFfmpeg();
        var beat = Path.Combine(Directory.CreateTempSubdirectory("ss-studio-beat-").FullName, "beat.wav");
        await SceneTestData.RunFfmpegAsync("-f", "lavfi", "-i", "aevalsrc='0.2*sin(2*PI*110*t)+0.8*exp(-60*mod(t,0.25))*sin(2*PI*1800*t)':s=44100:d=2", beat);
        await using var session = await BrowserSession.StartAsync();
        var model = await SceneTestData.InstallTinyModelAsync(session.DataFolder);
        await session.RunAsync("walks", async context =>
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(session.Address + "/");
            await page.Locator("nav button[data-tab=walks]").ClickAsync();
            await Assertions.Expect(page.Locator($"#walk-model option[value='{model}']")).ToHaveCountAsync(1);
            await page.Locator("#walk-model").SelectOptionAsync(model);
            await Assertions.Expect(page.Locator("#keyframes li")).ToHaveCountAsync(2);
            await page.Locator("#add-keyframe").ClickAsync();
            var keyframes = page.Locator("#keyframes li");
            await Assertions.Expect(keyframes).ToHaveCountAsync(3);
            await keyframes.Nth(2).Locator(".kf-prompt").FillAsync("the same forest under snow");
            // The last keyframe ends the walk, so it has no frames to a next one.
            await Assertions.Expect(keyframes.Nth(2).Locator(".kf-frames")).ToBeHiddenAsync();
            for (var i = 0; i < 3; i++)
            {
                await keyframes.Nth(i).Locator(".kf-seed").FillAsync((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (i < 2) await keyframes.Nth(i).Locator(".kf-frames").FillAsync("3");
            }
            await page.Locator("#walk-width").FillAsync("128");
            await page.Locator("#walk-height").FillAsync("128");
            await page.Locator("#walk-fps").FillAsync("6");
            await page.Locator("#walk-steps").FillAsync("3");
            await page.Locator("#walk-scheduler").SelectOptionAsync("euler");
            await page.SetInputFilesAsync("#walk-audio-file", beat);
            await Assertions.Expect(page.Locator("#walk-audio")).ToContainTextAsync("44100 Hz");

            await keyframes.Nth(1).Locator("button[data-act=preview]").ClickAsync();
            await Assertions.Expect(page.Locator("#walk-result")).ToBeVisibleAsync(Long);
            Assert.Equal(new[] { 1, 2, 3 }, await page.EvaluateAsync<int[]>("() => window.studio.walkSteps"));
            await page.WaitForFunctionAsync("() => document.querySelector('#walk-result').naturalWidth === 128");
            await DocumentAsync(page.Locator("#tab-walks"), "walks");

            await page.Locator("#walk-render").ClickAsync();
            await Assertions.Expect(page.Locator("#walk-message")).ToContainTextAsync("added to the queue");
            await page.Locator("nav button[data-tab=queue]").ClickAsync();
            var job = page.Locator("#jobs li").First;
            await Assertions.Expect(job).ToHaveAttributeAsync("data-state", "Done", new() { Timeout = 300_000 });
            await Assertions.Expect(job).ToContainTextAsync("walk \"a forest in spring");
            await page.Locator("nav button[data-tab=gallery]").ClickAsync();
            var card = page.Locator(".card").First;
            await Assertions.Expect(card.Locator(".provenance")).ToContainTextAsync("made by Synthstage — whole frame synthetic", new() { Timeout = 300_000 });
            await page.WaitForFunctionAsync("() => document.querySelector('.card img').complete && document.querySelector('.card img').naturalWidth > 0");

            await page.Locator("nav button[data-tab=walks]").ClickAsync();
            await keyframes.Nth(2).Locator("button[data-act=remove]").ClickAsync();
            await Assertions.Expect(keyframes).ToHaveCountAsync(2);
            await page.Locator("nav button[data-tab=gallery]").ClickAsync();
            await card.Locator("button[data-act=again]").ClickAsync();
            await Assertions.Expect(page.Locator("#keyframes li")).ToHaveCountAsync(3);
            Assert.Equal("the same forest under snow", await page.Locator("#keyframes li").Nth(2).Locator(".kf-prompt").InputValueAsync());
        });
    }

    private static async Task<string> SaveAsync(byte[] bytes, string name)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ss-studio-upload-").FullName, name);
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        return path;
    }

    // A picture of one panel for the docs (small: the panel, not the whole page) when SYNTHSTAGE_SCREENSHOTS names a folder.
    private static async Task DocumentAsync(ILocator panel, string name)
    {
        if (Environment.GetEnvironmentVariable("SYNTHSTAGE_SCREENSHOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        await panel.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(folder, $"studio-{name}.png"), Type = ScreenshotType.Png });
    }
}
