using Microsoft.AspNetCore.Http;

namespace Synthstage.Studio.Security;

/// <summary>
/// Refuses state-changing requests (anything but GET, HEAD and OPTIONS) that a page on another site made the browser
/// send: an <c>Origin</c> other than this server's, or a <c>Sec-Fetch-Site</c> other than same-origin. Browsers send
/// both on cross-site requests and a page cannot forge them; clients that are not browsers send neither, and requests
/// authenticated by a bearer header cannot be made by another site at all.
/// </summary>
public static class SameOriginGuard
{
    /// <summary>Lets same-origin and non-browser requests through; answers cross-site ones with 403.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || TokenGate.ByBearer(context) || IsSameOrigin(request))
        {
            await next(context);
            return;
        }
        await ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "cross-site request refused: the studio only accepts changes from its own pages");
    }

    /// <summary>True when nothing in the request says it came from another site.</summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return false;
            var authority = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
            if (!string.Equals(authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)) return false;
        }
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site.Length == 0 || site is "same-origin" or "none";
    }
}
