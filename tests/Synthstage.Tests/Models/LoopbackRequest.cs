namespace Synthstage.Tests.Models;

/// <summary>One request as received: method, request target (path and query, still escaped) and headers.</summary>
internal sealed record LoopbackRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The unescaped path.</summary>
    public string Path => Uri.UnescapeDataString(Target.Split('?')[0]);

    /// <summary>A query parameter, unescaped; null when absent.</summary>
    public string? Query(string name)
    {
        var query = Target.Split('?', 2) is [_, var q] ? q : "";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (k, v) : (pair, "");
            if (Uri.UnescapeDataString(key) == name) return Uri.UnescapeDataString(value);
        }
        return null;
    }

    /// <summary>A header's value; null when absent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
