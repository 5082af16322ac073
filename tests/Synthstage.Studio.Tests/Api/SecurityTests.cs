using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Synthstage.Studio.Tests.Api;

/// <summary>The token gate, the same-origin check, the loopback host check and error answers, against the real app.</summary>
public sealed class SecurityTests
{
    private const string Token = "test-token-0123456789abcdef";

    [Fact]
    public async Task A_token_protected_studio_refuses_requests_without_the_token()
    {
        using var host = new StudioHost(Token);
        using var client = host.Client();
        var bare = await client.GetAsync("/api/clips", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Contains("token", await ErrorOf(bare), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/clips?token=wrong-token-0123456789", TestContext.Current.CancellationToken)).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/clips");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong, TestContext.Current.CancellationToken)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/clips");
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task The_token_in_the_address_becomes_an_HttpOnly_cookie_and_leaves_the_address()
    {
        using var host = new StudioHost(Token);
        using var client = host.Client(cookies: true);
        var first = await client.GetAsync($"/?token={Token}&tab=clip", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/?tab=clip", first.Headers.Location?.OriginalString);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, cookie, StringComparison.Ordinal);
        // The cookie alone now lets the browser in.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/clips", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task State_changing_requests_from_another_site_are_refused()
    {
        using var host = new StudioHost();
        using var client = host.Client();
        using var crossOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/clips/upload") { Content = new ByteArrayContent([1, 2, 3]) };
        crossOrigin.Headers.Add("Origin", "http://evil.example");
        var refused = await client.SendAsync(crossOrigin, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("cross-site", await ErrorOf(refused), StringComparison.Ordinal);

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/clips/upload") { Content = new ByteArrayContent([1, 2, 3]) };
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(crossSite, TestContext.Current.CancellationToken)).StatusCode);

        // The same request from the studio's own page gets through the guard (and fails on its content instead).
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/clips/upload") { Content = new ByteArrayContent([]) };
        sameOrigin.Headers.Add("Origin", "http://localhost");
        sameOrigin.Headers.Add("Sec-Fetch-Site", "same-origin");
        var accepted = await client.SendAsync(sameOrigin, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, accepted.StatusCode);
        Assert.Contains("empty (0 bytes)", await ErrorOf(accepted), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_studio_without_a_token_refuses_other_host_names()
    {
        using var host = new StudioHost();
        using var client = host.Client();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/clips");
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(rebound, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Pages_load_nothing_from_elsewhere_and_errors_carry_no_stack()
    {
        using var host = new StudioHost();
        using var client = host.Client();
        var page = await client.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        var bad = await client.GetAsync("/api/clips/info?path=missing.mp4", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(" at Synthstage", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    internal static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("error").GetString()!;
    }
}
