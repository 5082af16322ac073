using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synthstage.Models;
using Synthstage.Studio.Endpoints;
using Synthstage.Studio.Security;

namespace Synthstage.Studio;

/// <summary>
/// Builds the studio's web application: services over the engine library, the security middleware in front, the
/// endpoints and the embedded pages. The same code runs under <c>synthstage studio</c>, this project's own entry point
/// and the tests' in-process host.
/// </summary>
public static class StudioApp
{
    /// <summary>A builder with the studio's services; settings are read from configuration when first needed, so a
    /// test host's settings apply.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        // Request lines carry ?token= on a browser's first visit: ASP.NET's own request logging stays below the level shown.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton(provider =>
        {
            var studio = StudioSettings.From(provider.GetRequiredService<IConfiguration>());
            studio.Validate();
            return studio;
        });
        services.AddSingleton(provider => new StudioDataFolder(provider.GetRequiredService<StudioSettings>().DataFolder));
        services.AddSingleton(provider => new ClipUploads(provider.GetRequiredService<StudioDataFolder>(), provider.GetRequiredService<StudioSettings>().MaxUploadBytes));
        services.AddSingleton(provider => new ClipCatalog(provider.GetRequiredService<StudioDataFolder>()));
        services.AddSingleton(provider => provider.GetRequiredService<StudioSettings>().ModelStore is { } root ? new ModelStore(root) : ModelStore.Default);
        services.AddSingleton(provider => new FrameMatteService(provider.GetRequiredService<ModelStore>()));
        services.AddSingleton(provider => new ModelInstalls(provider.GetRequiredService<ModelStore>(), Models.Hub.HubOptions.FromEnvironment()));
        services.AddSingleton(provider => new ScenePreviews(provider.GetRequiredService<StudioDataFolder>(), provider.GetRequiredService<ModelStore>()));
        services.AddSingleton(provider => new MattePreviews(new ClipMattePreview(provider.GetRequiredService<StudioDataFolder>(), provider.GetRequiredService<ModelStore>())));
        services.AddSingleton(provider => new JobStore(provider.GetRequiredService<StudioDataFolder>().Database));
        services.AddSingleton(provider => new StudioJobRunner(provider.GetRequiredService<StudioDataFolder>(), provider.GetRequiredService<ModelStore>())
        {
            PartSeconds = provider.GetRequiredService<StudioSettings>().PartSeconds,
        });
        services.AddSingleton(provider => new JobQueue(provider.GetRequiredService<JobStore>(), provider.GetRequiredService<StudioJobRunner>()));
        services.AddHostedService<QueueService>();
        return builder;
    }

    /// <summary>Adds the middleware and endpoints to a built application.</summary>
    public static WebApplication Configure(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<StudioSettings>();
        app.Use(SecurityHeaders);
        app.Use(ErrorResponses.InvokeAsync);
        if (settings.IsLoopback && settings.Token is null) app.Use(LoopbackHostGuard.InvokeAsync);
        if (settings.Token is { } token) app.Use(new TokenGate(token).InvokeAsync);
        app.Use(SameOriginGuard.InvokeAsync);
        StaticPages.Map(app);
        ClipEndpoints.Map(app);
        SubjectEndpoints.Map(app);
        JobEndpoints.Map(app);
        GalleryEndpoints.Map(app);
        ModelEndpoints.Map(app);
        SceneEndpoints.Map(app);
        WalkEndpoints.Map(app);
        MattePreviewEndpoints.Map(app);
        app.MapGet("/api/status", (StudioSettings s) => Results.Json(new
        {
            version = typeof(SynthstageException).Assembly.GetName().Version?.ToString(3),
            maxUploadBytes = s.MaxUploadBytes,
        }));
        return app;
    }

    // The page loads nothing from anywhere else, and its address (which may hold ?token=) is never sent on.
    private static Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        return next(context);
    }
}
