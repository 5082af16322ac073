using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Synthstage.Studio.Security;

/// <summary>
/// Refuses every request without the studio's token (401). API clients send <c>Authorization: Bearer TOKEN</c>; a browser
/// opens the printed URL with <c>?token=TOKEN</c> once, gets an HttpOnly cookie and is redirected to the same page
/// without the token in its address bar or history. The cookie holds a value derived from the token, not the token.
/// </summary>
public sealed class TokenGate
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "synthstage_session";

    private readonly byte[] _token;
    private readonly byte[] _session;

    /// <summary>A gate for <paramref name="token"/>.</summary>
    public TokenGate(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _token = Encoding.UTF8.GetBytes(token);
        _session = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(_token, "synthstage studio session"u8)));
    }

    /// <summary>True when the request was authenticated by its Authorization header (not by a cookie a browser adds on its own).</summary>
    public static bool ByBearer(HttpContext context) => context.Items.ContainsKey(typeof(TokenGate));

    /// <summary>Lets the request through when it carries the token; otherwise answers it.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(_token, header["Bearer ".Length..].Trim()))
        {
            context.Items[typeof(TokenGate)] = true;
            await next(context);
            return;
        }
        if (request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(_session, cookie))
        {
            await next(context);
            return;
        }
        if (request.Query.TryGetValue("token", out var given) && Matches(_token, given.ToString()))
        {
            context.Response.Cookies.Append(CookieName, Encoding.UTF8.GetString(_session), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
                Path = "/",
                IsEssential = true,
            });
            var rest = request.Query.Where(q => q.Key != "token").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}");
            var query = string.Join('&', rest);
            context.Response.Redirect(request.PathBase + request.Path + (query.Length > 0 ? "?" + query : ""));
            return;
        }
        await ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized,
            "this studio needs its token: open the address it printed (with ?token=…), or send Authorization: Bearer TOKEN");
    }

    private static bool Matches(byte[] expected, string given) =>
        CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(given));
}
