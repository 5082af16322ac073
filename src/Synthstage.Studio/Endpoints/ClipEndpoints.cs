using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Synthstage.Studio.Endpoints;

/// <summary>Clips: upload, list, describe, and the files of the data folder (for playback and downloads).</summary>
public static class ClipEndpoints
{
    private static readonly Dictionary<string, string> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = "video/mp4", [".m4v"] = "video/mp4", [".mov"] = "video/quicktime", [".webm"] = "video/webm", [".mkv"] = "video/x-matroska",
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".webp"] = "image/webp", [".gif"] = "image/gif", [".bmp"] = "image/bmp",
        [".json"] = "application/json",
    };

    /// <summary>Maps the clip endpoints under <c>/api</c>.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/clips", (ClipCatalog catalog) => Results.Json(catalog.List()));

        app.MapGet("/api/clips/info", async (string path, ClipCatalog catalog, CancellationToken ct) =>
            Results.Json(await catalog.DescribeAsync(path, ct)));

        // The body is the file itself (the page sends it with XMLHttpRequest for upload progress); its name comes in a header.
        app.MapPost("/api/clips/upload", async (HttpContext context, ClipUploads uploads, CancellationToken ct) =>
        {
            if (context.Request.ContentLength > uploads.MaxBytes)
                return Results.Json(new { error = $"the file is larger than the upload limit of {uploads.MaxBytes / (1024 * 1024)} MB" }, statusCode: StatusCodes.Status413PayloadTooLarge);
            // The limit is counted while the body streams in, so Kestrel's own (30 MB) limit is lifted for this request.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
            var name = Uri.UnescapeDataString(context.Request.Headers["X-File-Name"].ToString());
            var clip = await uploads.SaveAsync(context.Request.Body, name, ct);
            return Results.Json(clip);
        });

        app.MapGet("/api/files/{**path}", (string path, StudioDataFolder folder) =>
        {
            var full = folder.Resolve(path);
            if (full == folder.Database || !File.Exists(full) || !MediaTypes.TryGetValue(Path.GetExtension(full), out var type))
                return Results.Json(new { error = $"no file '{path}' in the data folder" }, statusCode: StatusCodes.Status404NotFound);
            return Results.File(full, type, enableRangeProcessing: true);
        });

        app.MapGet("/api/download/{**path}", (string path, StudioDataFolder folder) =>
        {
            var full = folder.Resolve(path);
            if (!full.StartsWith(folder.Outputs + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
                return Results.Json(new { error = $"no output '{path}'" }, statusCode: StatusCodes.Status404NotFound);
            return Results.File(full, MediaTypes.GetValueOrDefault(Path.GetExtension(full), "application/octet-stream"), Path.GetFileName(full), enableRangeProcessing: true);
        });
    }
}
