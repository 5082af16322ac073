using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Synthstage.Media;

namespace Synthstage.Studio.Endpoints;

/// <summary>Finished outputs: poster frame, parameters, provenance check, and the request to render them again.</summary>
public static class GalleryEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gallery", (JobQueue queue) => Results.Json(queue.Store.List()
            .Where(j => j.State == JobState.Done && j.Output is not null).OrderByDescending(j => j.Finished)
            .Select(j => new { job = j, download = "/api/download/" + j.Output, poster = $"/api/gallery/{j.Id}/poster" })));

        app.MapGet("/api/gallery/{id}/poster", async (string id, JobQueue queue, StudioDataFolder folder, CancellationToken ct) =>
        {
            var output = OutputOf(id, queue, folder);
            var poster = Path.Combine(Path.GetDirectoryName(output)!, ".poster.jpg");
            if (!File.Exists(poster))
            {
                var info = await MediaProbe.ProbeAsync(output, ct);
                var frame = await ClipFrames.ReadAsync(info, Math.Max(0, info.FrameCount / 2 - 1), ct);
                await File.WriteAllBytesAsync(poster, ClipFrames.EncodeJpeg(frame.Resize(320, Math.Max(1, 320 * frame.Height / frame.Width)), 80), ct);
            }
            return Results.File(poster, "image/jpeg");
        });

        app.MapGet("/api/gallery/{id}/provenance", async (string id, JobQueue queue, StudioDataFolder folder, CancellationToken ct) =>
            Results.Json(await OutputProvenance.CheckAsync(OutputOf(id, queue, folder), ct)));

        // "Use these settings again": read back from the output's signed manifest, not from the job store, so it works
        // for any output whose manifest holds, as A1111's PNG info does.
        app.MapGet("/api/gallery/{id}/settings", async (string id, JobQueue queue, StudioDataFolder folder, CancellationToken ct) =>
        {
            var output = OutputOf(id, queue, folder);
            var job = queue.Store.Get(id)!;
            var provenance = await OutputProvenance.CheckAsync(output, ct);
            if (!provenance.Trusted) throw new SynthstageException($"the output's manifest cannot be trusted ({provenance.Verdict})", ExitCodes.BadInput);
            // A walk's settings are all in its manifest (keyframes, seeds, frames, size, model, …): the job's request is not read.
            if (job.Request.Walk is not null) return Results.Json(new RenderRequest { Walk = ManifestSettings.ToWalkRequest(provenance, folder) });
            return Results.Json(ManifestSettings.ToRequest(provenance, job.Request.Clip, job.Request.Subject, folder));
        });
    }

    private static string OutputOf(string id, JobQueue queue, StudioDataFolder folder)
    {
        var job = queue.Store.Get(id);
        if (job?.Output is null || job.State != JobState.Done) throw new SynthstageException($"job {id} has no finished output", ExitCodes.BadInput);
        return folder.Resolve(job.Output);
    }
}
