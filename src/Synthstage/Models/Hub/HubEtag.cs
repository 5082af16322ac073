using System.Buffers;

namespace Synthstage.Models.Hub;

/// <summary>
/// The content hashes the Hub uses as ETags, which also name the cache's blobs: the SHA-256 of an LFS file
/// (64 hex digits) or the git blob id of a regular file (40 hex digits).
/// </summary>
internal static class HubEtag
{
    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdef");

    /// <summary>The hash inside an ETag header value, lower-case, without the weak prefix <c>W/</c> and the quotes
    /// of <c>"…"</c> (the two forms RFC 9110 allows); null for a missing or blank header.</summary>
    public static string? Normalize(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.OrdinalIgnoreCase)) value = value[2..];
        value = value.Trim().Trim('"').Trim().ToLowerInvariant();
        return value.Length == 0 ? null : value;
    }

    /// <summary>True for 64 lower-case hex digits: the SHA-256 of an LFS file's content.</summary>
    public static bool IsSha256(string etag) => etag.Length == 64 && !etag.AsSpan().ContainsAnyExcept(Hex);

    /// <summary>True for 40 lower-case hex digits: a git blob id (SHA-1 of <c>"blob {size}\0"</c> and the content).</summary>
    public static bool IsGitBlobId(string etag) => etag.Length == 40 && !etag.AsSpan().ContainsAnyExcept(Hex);
}
