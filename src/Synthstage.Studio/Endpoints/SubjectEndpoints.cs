using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Synthstage.Models;

namespace Synthstage.Studio.Endpoints;

/// <summary>The clip page's frame scrubber and click-to-matte overlay, and the keying model choices.</summary>
public static class SubjectEndpoints
{
    /// <summary>A click: the frame, the model, and every point placed so far (include and exclude, with their frames).</summary>
    public sealed record MatteRequest(string Clip, int Frame, string Model, IReadOnlyList<SubjectPoint>? Points);

    /// <summary>Which model to load for which clip.</summary>
    public sealed record WarmRequest(string Clip, string Model);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/clips/frame", async (string path, int n, StudioDataFolder folder, CancellationToken ct) =>
        {
            var info = await ClipProbes.ProbeCachedAsync(folder.Resolve(path), ct);
            var image = await ClipFrames.ReadCachedAsync(info, n, ct);
            return Results.File(ClipFrames.EncodeJpeg(image), "image/jpeg");
        });

        app.MapPost("/api/matte", async (MatteRequest request, StudioDataFolder folder, FrameMatteService mattes, CancellationToken ct) =>
        {
            if (!KeyingModelChoice.IsBuiltIn(request.Model))
                throw new SynthstageException($"unknown model '{request.Model}'; choose one the page lists", ExitCodes.Usage);
            var info = await ClipProbes.ProbeCachedAsync(folder.Resolve(request.Clip), ct);
            var points = request.Points ?? [];
            foreach (var point in points) point.Validate(info.FrameCount);
            var matte = await mattes.MatteAsync(info, request.Frame, request.Model, points, null, ct);
            var here = points.Where(p => p.Frame == request.Frame).ToList();
            return Results.Json(new
            {
                // The model's mask (the subject this frame's points select, when there are any), one byte per pixel: the page tints it and enlarges it over the frame in a canvas.
                mask = Convert.ToBase64String(matte.Mask),
                maskWidth = matte.MaskWidth,
                maskHeight = matte.MaskHeight,
                width = matte.Width,
                height = matte.Height,
                frame = request.Frame,
                model = matte.Model,
                milliseconds = matte.Elapsed.TotalMilliseconds,
                coverage = matte.Coverage,
                // "points": the subject the frame's points select, as the render keys it; "model": the model's own matte;
                // "failed": the points select nothing (the note says why).
                selection = matte.Selection.ToString().ToLowerInvariant(),
                note = matte.Note,
                // What the matte says under each click of this frame: an include point outside it, or an exclude point inside it, needs fixing.
                points = here.Select(p => new { p.X, p.Y, p.Include, matte = matte.At(p) / 255.0 }),
                subject = SubjectPoint.ToCommandLine(points, matte.Width, matte.Height),
            });
        });

        // Sent when a clip opens or the model changes: the model loads while the user looks for the person.
        app.MapPost("/api/matte/warm", async (WarmRequest request, StudioDataFolder folder, FrameMatteService mattes, CancellationToken ct) =>
        {
            if (!KeyingModelChoice.IsBuiltIn(request.Model))
                throw new SynthstageException($"unknown model '{request.Model}'; choose one the page lists", ExitCodes.Usage);
            var info = await ClipProbes.ProbeCachedAsync(folder.Resolve(request.Clip), ct);
            await mattes.WarmAsync(info, request.Model, ct);
            return Results.Json(new { ok = true });
        });

        app.MapGet("/api/models/keying", (ModelStore store) => Results.Json(KeyingModelChoice.All(store)));
    }
}
