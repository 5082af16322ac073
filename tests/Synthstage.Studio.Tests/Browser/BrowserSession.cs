using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Synthstage.Studio.Tests.Browser;

/// <summary>
/// A studio on a real loopback port (Kestrel, as <c>synthstage studio</c> runs it) and Debian's Chromium driven by
/// Playwright (browser downloads are not reachable, so Playwright is pointed at /usr/bin/chromium). The test skips
/// when Chromium is absent. On failure each open page is saved as a screenshot under TestResults/screenshots.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Where Debian installs Chromium (<c>apt-get install -y chromium</c>).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private BrowserSession(WebApplication app, string address, string dataFolder, IPlaywright playwright, IBrowser browser)
    {
        App = app;
        Address = address;
        DataFolder = dataFolder;
        Playwright = playwright;
        Browser = browser;
    }

    public WebApplication App { get; }
    public string Address { get; }
    public string DataFolder { get; }
    public IPlaywright Playwright { get; }
    public IBrowser Browser { get; }

    /// <summary>Starts a studio (with <paramref name="token"/>, if given, over <paramref name="modelStore"/> or the test cache) and the
    /// browser, or skips the test without Chromium.</summary>
    public static async Task<BrowserSession> StartAsync(string? token = null, string? modelStore = null)
    {
        if (!File.Exists(ChromiumPath)) Assert.Skip($"Chromium is not installed at {ChromiumPath} (apt-get install -y chromium)");
        SharedData.RequireFfmpeg();
        var data = Path.Combine(TestEnvironment.CacheRoot, "studio-browser", Guid.NewGuid().ToString("N")[..12]);
        var app = await StudioServer.StartAsync(new StudioSettings
        {
            Port = 0,
            Token = token,
            DataFolder = data,
            ModelStore = modelStore ?? TestEnvironment.CacheRoot,
        }, TestContext.Current.CancellationToken);
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return new BrowserSession(app, StudioServer.Address(app).Replace("127.0.0.1", "localhost", StringComparison.Ordinal), data, playwright, browser);
    }

    /// <summary>Runs <paramref name="test"/>; a failure saves a screenshot of every page first.</summary>
    public async Task RunAsync(string name, Func<IBrowserContext, Task> test)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        try
        {
            await test(context);
        }
        catch
        {
            var folder = Path.Combine(SharedData.RepositoryRoot, "TestResults", "screenshots");
            Directory.CreateDirectory(folder);
            var i = 0;
            foreach (var page in context.Pages)
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-{i++}.png"), FullPage = true });
            throw;
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>Saves a picture of the page for the docs when <c>SYNTHSTAGE_SCREENSHOTS</c> names a folder.</summary>
    public static async Task DocumentAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("SYNTHSTAGE_SCREENSHOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"studio-{name}.png"), Type = ScreenshotType.Png });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (Directory.Exists(DataFolder)) Directory.Delete(DataFolder, recursive: true);
    }
}
