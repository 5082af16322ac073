using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Synthstage.Models;

namespace Synthstage.Studio.Endpoints;

/// <summary>
/// The prompt background: its choices (scene models, schedulers), "preview frame" (one composited still, made in the
/// background), the denoising steps live (Server-Sent Events, or polling one step at a time), Stop, and the finished PNG.
/// Rendering goes through <c>POST /api/jobs</c> with the request's <c>scene</c>, like every other background.
/// </summary>
public static class SceneEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/scene/models", (ModelStore store, StudioDataFolder folder) => Results.Json(SceneModelChoice.All(store, folder)));
        app.MapGet("/api/scene/schedulers", () => Results.Json(Diffusion.Schedulers.SchedulerFactory.Names));

        app.MapPost("/api/scene/preview", async (RenderRequest request, int? frame, ScenePreviews previews, CancellationToken ct) =>
            Started(await previews.StartSceneAsync(request, frame, ct)));

        app.MapGet("/api/previews/{id}", (string id, ScenePreviews previews) =>
        {
            var run = previews.Get(id);
            var events = run.Events;
            return Results.Json(new
            {
                id,
                finished = run.Finished,
                steps = events.Count(e => e.Kind == "step"),
                end = run.Finished ? Describe(id, events[^1]) : null,
            });
        });

        // Polling's counterpart of the step events: the picture after step n (1-based).
        app.MapGet("/api/previews/{id}/steps/{n:int}", (string id, int n, ScenePreviews previews) =>
            previews.Get(id).Events.Where(e => e.Kind == "step").ElementAtOrDefault(n - 1) is { Png: { } png }
                ? Results.File(png, "image/png")
                : Results.Json(new { error = $"preview {id} has no step {n} yet" }, statusCode: StatusCodes.Status404NotFound));

        app.MapGet("/api/previews/{id}/events", async (string id, HttpContext context, ScenePreviews previews, CancellationToken ct) =>
        {
            var run = previews.Get(id);
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            try
            {
                await foreach (var e in run.ReadAsync(ct))
                {
                    var json = JsonSerializer.Serialize(Describe(id, e), JobStore.Json);
                    await context.Response.WriteAsync($"event: {e.Kind}\ndata: {json}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException)
            {
                // The page closed.
            }
        });

        app.MapPost("/api/previews/{id}/stop", (string id, ScenePreviews previews) =>
        {
            previews.Get(id).Stop();
            return Results.Json(new { ok = true });
        });

        app.MapGet("/api/previews/{id}/image", (string id, ScenePreviews previews) =>
        {
            var run = previews.Get(id);
            return run.Finished && run.Events[^1].Kind == "done" && File.Exists(run.ImagePath)
                ? Results.File(run.ImagePath, "image/png")
                : Results.Json(new { error = $"preview {id} has no image (it is still running, was stopped or failed)" }, statusCode: StatusCodes.Status404NotFound);
        });
    }

    /// <summary>The answer to a started preview: where to follow it.</summary>
    internal static IResult Started(PreviewRun run) => Results.Json(new
    {
        id = run.Id,
        events = $"/api/previews/{run.Id}/events",
        status = $"/api/previews/{run.Id}",
        image = $"/api/previews/{run.Id}/image",
    });

    // A step carries its picture inline (a few kB at latent resolution), so the page needs no second request per step.
    private static object Describe(string id, PreviewEvent e) => new
    {
        kind = e.Kind,
        step = e.Step,
        steps = e.Steps,
        picture = e.Png is { } png ? "data:image/png;base64," + Convert.ToBase64String(png) : null,
        message = e.Message,
        image = e.Kind == "done" ? $"/api/previews/{id}/image" : null,
    };
}
