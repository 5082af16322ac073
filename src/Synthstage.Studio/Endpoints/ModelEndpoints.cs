using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Synthstage.Studio.Endpoints;

/// <summary>The models page: the catalog with licences, flags and disk use, installs, and their progress as Server-Sent Events.</summary>
public static class ModelEndpoints
{
    /// <summary>An install request; restrictive licences (GPL, AGPL, non-commercial, OpenRAIL) need <paramref name="AcceptLicence"/>.</summary>
    public sealed record InstallRequest(bool AcceptLicence);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", (ModelInstalls installs) => Results.Json(installs.List()));

        app.MapPost("/api/models/{id}/install", (string id, InstallRequest? request, ModelInstalls installs) =>
            Results.Json(installs.Start(id, request?.AcceptLicence ?? false), statusCode: StatusCodes.Status202Accepted));

        // As /api/events does for jobs: the current installs first, then every change, each stamped with the server's clock.
        app.MapGet("/api/models/events", async (HttpContext context, ModelInstalls installs, CancellationToken ct) =>
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var channel = Channel.CreateBounded<ModelInstall>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
            void Forward(ModelInstall install) => channel.Writer.TryWrite(install);
            installs.Changed += Forward;
            try
            {
                await WriteAsync(context, "installs", installs.Installs(), ct);
                await foreach (var install in channel.Reader.ReadAllAsync(ct))
                    await WriteAsync(context, "install", install, ct);
            }
            catch (OperationCanceledException)
            {
                // The page closed.
            }
            finally
            {
                installs.Changed -= Forward;
            }
        });
    }

    private static async Task WriteAsync(HttpContext context, string name, object data, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new { sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), data }, JobStore.Json);
        await context.Response.WriteAsync($"event: {name}\ndata: {json}\n\n", ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
