using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Synthstage.Studio.Endpoints;

/// <summary>The render queue: add, list, pause, resume, cancel, reorder, and live changes as Server-Sent Events.</summary>
public static class JobEndpoints
{
    /// <summary>A new place in the queue.</summary>
    public sealed record MoveRequest(int Index);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs", async (RenderRequest request, JobQueue queue, ClipCatalog clips, StudioDataFolder folder, CancellationToken ct) =>
        {
            // Checked now, so a bad request is answered at once rather than failing in the queue.
            var clip = await clips.DescribeAsync(request.Clip, ct);
            if (request.Scene is null) request.BackgroundSpec(folder);
            else request.Scene.ToOptions(folder);
            if (!KeyingModelChoice.IsBuiltIn(request.Model)) throw new SynthstageException($"unknown model '{request.Model}'", ExitCodes.Usage);
            foreach (var point in request.Subject) point.Validate(clip.FrameCount);
            return Results.Json(queue.Enqueue(request with { Clip = clip.Path }));
        });
        app.MapGet("/api/jobs", (JobQueue queue) => Results.Json(queue.Store.List()));
        app.MapPost("/api/jobs/{id}/pause", (string id, JobQueue queue) => Done(() => queue.Pause(id)));
        app.MapPost("/api/jobs/{id}/resume", (string id, JobQueue queue) => Done(() => queue.Resume(id)));
        app.MapPost("/api/jobs/{id}/cancel", (string id, JobQueue queue) => Done(() => queue.Cancel(id)));
        app.MapPost("/api/jobs/{id}/move", (string id, MoveRequest move, JobQueue queue) => Done(() => queue.Move(id, move.Index)));

        app.MapGet("/api/events", async (HttpContext context, JobQueue queue, CancellationToken ct) =>
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var channel = Channel.CreateBounded<StudioJob>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
            void Forward(StudioJob job) => channel.Writer.TryWrite(job);
            queue.Changed += Forward;
            try
            {
                await WriteAsync(context, "jobs", queue.Store.List(), ct);
                await foreach (var job in channel.Reader.ReadAllAsync(ct))
                    await WriteAsync(context, "job", job, ct);
            }
            catch (OperationCanceledException)
            {
                // The page closed.
            }
            finally
            {
                queue.Changed -= Forward;
            }
        });
    }

    private static IResult Done(Action action)
    {
        action();
        return Results.Json(new { ok = true });
    }

    // Every event carries the server's clock, so a page can measure how long events take to reach it.
    private static async Task WriteAsync(HttpContext context, string name, object data, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new { sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), data }, JobStore.Json);
        await context.Response.WriteAsync($"event: {name}\ndata: {json}\n\n", ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
