using Microsoft.Playwright;
using Synthstage.Models;

namespace Synthstage.Studio.Tests.Browser;

/// <summary>The models page in a real browser: licences and flags, disk use, and an install with live progress.</summary>
public sealed class ModelsPageTests
{
    [Fact]
    public async Task The_models_page_flags_restrictive_licences_and_installs_the_selfie_model_with_live_progress()
    {
        var fresh = Path.Combine(TestEnvironment.CacheRoot, "studio-models", Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var session = await BrowserSession.StartAsync(modelStore: fresh);
            await session.RunAsync("models", async context =>
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(session.Address + "/");
                await page.Locator("nav button[data-tab=models]").ClickAsync();
                var rows = page.Locator("#model-rows tr");
                await Assertions.Expect(rows).ToHaveCountAsync(ModelCatalog.All.Count);
                await Assertions.Expect(page.Locator("#models-summary")).ToContainTextAsync($"of {ModelCatalog.All.Count} catalogued models installed");
                await Assertions.Expect(Row(page, "rvm-mobilenetv3").Locator(".flag")).ToContainTextAsync("GPL");
                await Assertions.Expect(Row(page, "sd-turbo").Locator(".flag")).ToContainTextAsync("non-commercial");
                await Assertions.Expect(Row(page, "sd15-onnx").Locator(".flag")).ToContainTextAsync("OpenRAIL");
                var selfie = Row(page, "mediapipe-selfie");
                await Assertions.Expect(selfie).ToContainTextAsync("Apache-2.0");
                await Assertions.Expect(selfie.Locator(".flag")).ToHaveCountAsync(0);
                await Assertions.Expect(selfie).ToHaveAttributeAsync("data-installed", "false");

                await selfie.Locator("button[data-install]").ClickAsync();
                await Assertions.Expect(selfie).ToHaveAttributeAsync("data-installed", "true", new() { Timeout = 300_000 });
                var events = await page.EvaluateAsync<string[]>("() => window.studio.modelEvents.filter(e => !Array.isArray(e)).map(e => e.state + ' ' + (e.detail || ''))");
                if (events.Last().StartsWith("failed", StringComparison.Ordinal) && NpmRegistry.IsUnavailable(events.Last())) Assert.Skip($"npm is unavailable here: {events.Last()}");
                Assert.Contains(events, e => e.StartsWith("installing npm pack", StringComparison.Ordinal));
                Assert.Contains(events, e => e == "installing general.onnx");
                Assert.StartsWith("installed", events.Last(), StringComparison.Ordinal);
                var bytes = Directory.EnumerateFiles(new ModelStore(fresh).ModelFolder("mediapipe-selfie")).Sum(f => new FileInfo(f).Length);
                await Assertions.Expect(selfie.Locator("td.size")).ToHaveTextAsync($"{bytes / 1024.0:0.0} kB");
                await Assertions.Expect(page.Locator("#models-summary")).ToContainTextAsync($"{bytes / 1024.0:0.0} kB on disk");
                // The clip page's model list sees the install too.
                await page.WaitForFunctionAsync("() => state.models.find(m => m.name === 'general').installed");
                await page.SetViewportSizeAsync(1100, 760);
                await BrowserSession.DocumentAsync(page, "models");
            });
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
    }

    private static ILocator Row(IPage page, string id) => page.Locator($"#model-rows tr[data-id='{id}']");
}
