using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Synthstage.Studio.Tests;

/// <summary>
/// The real studio application in-process (Microsoft.AspNetCore.Mvc.Testing), over a fresh data folder of its own;
/// <paramref name="token"/> turns the token gate on as <c>--token</c> does; <paramref name="modelStore"/> replaces the test cache as the model store.
/// </summary>
public sealed class StudioHost(string? token = null, long maxUploadBytes = 64L * 1024 * 1024, string? modelStore = null) : WebApplicationFactory<StudioSettings>
{
    /// <summary>This host's data folder (deleted on dispose).</summary>
    public string DataFolder { get; } = Path.Combine(TestEnvironment.CacheRoot, "studio-tests", Guid.NewGuid().ToString("N")[..12]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Studio:DataFolder", DataFolder);
        builder.UseSetting("Studio:MaxUploadBytes", maxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Studio:ModelStore", modelStore ?? TestEnvironment.CacheRoot);
        if (token is not null) builder.UseSetting("Studio:Token", token);
    }

    /// <summary>A client that follows no redirects and keeps no cookies unless told to.</summary>
    public HttpClient Client(bool cookies = false)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });
        // Verifying a whole rendered clip (the watermark of every segment) can outlast HttpClient's 100 s default
        // while the other suites load both cores.
        client.Timeout = TimeSpan.FromMinutes(6);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataFolder)) Directory.Delete(DataFolder, recursive: true);
    }
}
