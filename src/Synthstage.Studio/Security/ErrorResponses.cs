using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Synthstage.Studio.Security;

/// <summary>
/// Every error the studio answers is <c>{"error": "one line"}</c>: a <see cref="SynthstageException"/> gives its own
/// message and a status from its exit code; anything unexpected is logged (type and message) and answered with a line
/// naming no code or stack.
/// </summary>
public static class ErrorResponses
{
    /// <summary>Writes <c>{"error": message}</c> with <paramref name="status"/>.</summary>
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = message }));
    }

    /// <summary>The HTTP status for a user-facing failure.</summary>
    public static int StatusFor(SynthstageException e) => e?.ExitCode switch
    {
        ExitCodes.Usage or ExitCodes.BadInput => StatusCodes.Status400BadRequest,
        ExitCodes.BadModel => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Runs the rest of the pipeline and turns what it throws into a one-line JSON error.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (SynthstageException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, StatusFor(e), e.Message);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.StatusCode, "bad request: " + e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The browser went away; there is no one to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var log = context.RequestServices.GetService(typeof(ILoggerFactory)) as ILoggerFactory;
            log?.CreateLogger("Synthstage.Studio").LogError("{Method} {Path} failed: {Type}: {Message}", context.Request.Method, context.Request.Path, e.GetType().Name, e.Message);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, $"unexpected failure: {e.GetType().Name}");
        }
    }
}
