using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Synthstage.Studio.Endpoints;

/// <summary>
/// The clip page's "preview matte of whole clip": start one (the clip, model and points a render would get), follow
/// it frame by frame (Server-Sent Events, or polling the status), stop it, and play the finished low-resolution WebM.
/// </summary>
public static class MattePreviewEndpoints
{
    /// <summary>What the page sends: the clip, the keying model and every point placed so far.</summary>
    public sealed record MattePreviewRequest(string Clip, string Model, IReadOnlyList<SubjectPoint>? Points);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/matte-preview", async (MattePreviewRequest request, MattePreviews previews, CancellationToken ct) =>
        {
            var (run, plan) = await previews.StartAsync(request.Clip, request.Model, request.Points, ct);
            return Results.Json(new
            {
                id = run.Id,
                cached = plan.IsCached,
                frames = plan.Input.FrameCount,
                width = plan.Width,
                height = plan.Height,
                events = $"/api/matte-preview/{run.Id}/events",
                status = $"/api/matte-preview/{run.Id}",
                video = $"/api/matte-preview/{run.Id}/video",
            });
        });

        app.MapGet("/api/matte-preview/{id}", (string id, MattePreviews previews) =>
        {
            var (run, plan) = previews.Get(id);
            var events = run.Events;
            var step = events.LastOrDefault(e => e.Kind == "step");
            var end = run.Finished ? events[^1] : null;
            return Results.Json(new
            {
                id,
                finished = run.Finished,
                state = end?.Kind ?? "running",
                frame = end is { Kind: "done" } ? end.Step : step?.Step ?? 0,
                frames = plan.Input.FrameCount,
                message = end?.Message,
                video = end is { Kind: "done" } ? $"/api/matte-preview/{id}/video" : null,
            });
        });

        app.MapGet("/api/matte-preview/{id}/events", async (string id, HttpContext context, MattePreviews previews, CancellationToken ct) =>
        {
            var (run, plan) = previews.Get(id);
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            try
            {
                await foreach (var e in run.ReadAsync(ct))
                {
                    var json = JsonSerializer.Serialize(Describe(id, e, plan.Input.FrameCount), JobStore.Json);
                    await context.Response.WriteAsync($"event: {e.Kind}\ndata: {json}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException)
            {
                // The page closed.
            }
        });

        app.MapPost("/api/matte-preview/{id}/stop", (string id, MattePreviews previews) =>
        {
            previews.Get(id).Run.Stop();
            return Results.Json(new { ok = true });
        });

        app.MapGet("/api/matte-preview/{id}/video", (string id, MattePreviews previews, StudioDataFolder folder) =>
        {
            var (run, _) = previews.Get(id);
            // The path is the library's own, under the work folder; checked anyway, as every file the studio serves is.
            var done = run.Finished && run.Events[^1].Kind == "done" && folder.IsInside(run.ImagePath) && File.Exists(run.ImagePath);
            return done
                ? Results.File(run.ImagePath, "video/webm", enableRangeProcessing: true)
                : Results.Json(new { error = $"matte preview {id} has no video (it is still running, was stopped or failed)" }, statusCode: StatusCodes.Status404NotFound);
        });
    }

    private static object Describe(string id, PreviewEvent e, int frames) => new
    {
        kind = e.Kind,
        frame = e.Step,
        frames = e.Steps > 0 ? e.Steps : frames,
        message = e.Message,
        video = e.Kind == "done" ? $"/api/matte-preview/{id}/video" : null,
    };
}
