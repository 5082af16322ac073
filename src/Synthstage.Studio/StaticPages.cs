using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Synthstage.Studio;

/// <summary>Serves the page, its script and style from resources embedded in this assembly (no files beside the CLI).</summary>
public static class StaticPages
{
    private const string Prefix = "Synthstage.Studio.wwwroot.";

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    };

    /// <summary>Maps <c>/</c> to the page and <c>/static/NAME</c> to the embedded files.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html"));
        app.MapGet("/static/{name}", (HttpContext context, string name) => Serve(context, name));
    }

    private static IResult Serve(HttpContext context, string name)
    {
        var type = Types.GetValueOrDefault(Path.GetExtension(name));
        var stream = type is null || name.Contains('/') || name.Contains('\\') ? null : typeof(StaticPages).Assembly.GetManifestResourceStream(Prefix + name);
        if (stream is null) return Results.Json(new { error = $"no page '{name}'" }, statusCode: StatusCodes.Status404NotFound);
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Stream(stream, type);
    }

    /// <summary>The names of the embedded files.</summary>
    public static IEnumerable<string> Names => typeof(StaticPages).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]);

    internal static Assembly Assembly => typeof(StaticPages).Assembly;
}
