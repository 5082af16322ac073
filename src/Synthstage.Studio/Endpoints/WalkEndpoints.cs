using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Synthstage.Studio.Endpoints;

/// <summary>The walks page: audio for pacing (uploaded and probed like a clip), a keyframe preview, and rendering through the queue.</summary>
public static class WalkEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        // As the clip upload: the body is the file, its name in a header, the limit counted while it streams in.
        app.MapPost("/api/walks/audio", async (HttpContext context, ClipUploads uploads, CancellationToken ct) =>
        {
            if (context.Request.ContentLength > uploads.MaxBytes)
                return Results.Json(new { error = $"the file is larger than the upload limit of {uploads.MaxBytes / (1024 * 1024)} MB" }, statusCode: StatusCodes.Status413PayloadTooLarge);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
            var name = Uri.UnescapeDataString(context.Request.Headers["X-File-Name"].ToString());
            return Results.Json(await uploads.SaveAudioAsync(context.Request.Body, name, ct));
        });

        app.MapPost("/api/walks/preview", (WalkRequest walk, int? keyframe, ScenePreviews previews) =>
            SceneEndpoints.Started(previews.StartKeyframe(walk, keyframe ?? 0)));

        app.MapPost("/api/walks", async (WalkRequest walk, JobQueue queue, StudioDataFolder folder, CancellationToken ct) =>
        {
            // Checked now (as synthstage walk checks it), so a bad walk is answered at once rather than failing in the queue.
            walk.ToOptions(folder, Path.Combine(folder.Work, "walk-check.mp4"));
            walk.ModelValue(folder);
            if (walk.Audio is { Length: > 0 } audio && (await Media.MediaProbe.ProbeAudioAsync(folder.Resolve(audio), ct)).Count == 0)
                throw new SynthstageException($"'{audio}' has no audio to pace the walk with", ExitCodes.BadInput);
            return Results.Json(queue.Enqueue(new RenderRequest { Walk = walk }));
        });
    }
}
