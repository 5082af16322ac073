using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Synthstage.Studio;

/// <summary>Runs a studio on Kestrel until cancelled: what <c>synthstage studio</c> calls.</summary>
public static class StudioServer
{
    /// <summary>A fresh random token (URL-safe, 192 bits).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Starts the studio and returns it listening; <see cref="WebApplication.Urls"/> has the bound address.</summary>
    /// <exception cref="SynthstageException">Unsafe settings (<see cref="ExitCodes.Usage"/>) or the port is taken (<see cref="ExitCodes.Failure"/>).</exception>
    public static async Task<WebApplication> StartAsync(StudioSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var app = StudioApp.CreateBuilder([], settings.ToConfiguration()).Build();
        StudioApp.Configure(app);
        var host = settings.Host.Contains(':', StringComparison.Ordinal) && !settings.Host.StartsWith('[') ? $"[{settings.Host}]" : settings.Host;
        app.Urls.Add($"http://{host}:{settings.Port}");
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new SynthstageException($"cannot listen on {settings.Host}:{settings.Port}: {e.Message}", ExitCodes.Failure, e);
        }
        return app;
    }

    /// <summary>The address the started studio listens on (the real port when 0 was asked for).</summary>
    public static string Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses?.FirstOrDefault() ?? app.Urls.First();
    }
}
