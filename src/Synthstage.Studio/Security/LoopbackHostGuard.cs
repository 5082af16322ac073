using Microsoft.AspNetCore.Http;

namespace Synthstage.Studio.Security;

/// <summary>
/// On a loopback-only studio without a token, refuses requests whose Host header is not a loopback name: a web page
/// that points its own domain at 127.0.0.1 (DNS rebinding) would otherwise reach the studio as same-origin.
/// </summary>
public static class LoopbackHostGuard
{
    /// <summary>Lets requests addressed to localhost, 127.0.0.1 or [::1] through; answers others with 403.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var host = context.Request.Host.Host;
        if (StudioSettings.IsLoopbackHost(host))
        {
            await next(context);
            return;
        }
        await ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, $"this studio serves only http://127.0.0.1 and http://localhost (got host '{host}')");
    }
}
