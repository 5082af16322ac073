namespace Synthstage.Provenance.C2pa;

/// <summary>Media types of the files Synthstage reads and writes, by extension (for <c>dc:format</c> and the reference reader).</summary>
public static class MediaTypes
{
    /// <summary>The media type of <paramref name="path"/>, or application/octet-stream.</summary>
    public static string Of(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".mp4" or ".m4v" => "video/mp4",
        ".mov" => "video/quicktime",
        ".webm" => "video/webm",
        ".mkv" => "video/x-matroska",
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        ".flac" => "audio/flac",
        "" => "application/x-directory",
        _ => "application/octet-stream",
    };
}
