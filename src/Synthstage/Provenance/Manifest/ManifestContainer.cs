using System.Text.Json;
using Synthstage.Imaging;
using Synthstage.Media;

namespace Synthstage.Provenance.Manifest;

/// <summary>
/// Reads the manifest copy that Synthstage embedded before it wrote C2PA content credentials: a PNG
/// <c>iTXt</c>/<c>tEXt</c> chunk with keyword <see cref="PngKeyword"/>, or the container tag <see cref="TagName"/> of
/// MP4/MOV/WebM/MKV. Nothing writes these any more; <c>verify</c> still reads older files.
/// </summary>
public static class ManifestContainer
{
    /// <summary>PNG text keyword of the embedded manifest.</summary>
    public const string PngKeyword = "SynthstageManifest";

    /// <summary>Container tag of the embedded manifest.</summary>
    public const string TagName = "synthstage_manifest";

    /// <summary>Reads the embedded manifest JSON of a file, or null when it has none or cannot be read.</summary>
    public static async Task<string?> ReadAsync(string path, CancellationToken ct = default)
    {
        if (Directory.Exists(path) || !File.Exists(path)) return null;
        var head = new byte[8];
        await using (var stream = File.OpenRead(path))
            if (await stream.ReadAtLeastAsync(head, 8, throwOnEndOfStream: false, ct).ConfigureAwait(false) < 8) return null;
        if (head.AsSpan().SequenceEqual((ReadOnlySpan<byte>)[137, 80, 78, 71, 13, 10, 26, 10]))
        {
            var png = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
            try
            {
                return PngTextChunks.Read(png).FirstOrDefault(p => p.Key == PngKeyword).Value;
            }
            catch (ArgumentOutOfRangeException)
            {
                return null; // a truncated chunk: no readable manifest
            }
        }
        if (!FfmpegTools.IsAvailable) return null;
        var run = await FfmpegTools.RunAsync(FfmpegTools.FfprobePath,
            ["-v", "error", "-show_entries", "format_tags", "-of", "json", FfmpegTools.FileUrl(path)], ct).ConfigureAwait(false);
        if (run.ExitCode != 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(run.StandardOutput);
            if (!doc.RootElement.TryGetProperty("format", out var format) || !format.TryGetProperty("tags", out var tags)) return null;
            foreach (var tag in tags.EnumerateObject())
                if (string.Equals(tag.Name, TagName, StringComparison.OrdinalIgnoreCase) && tag.Value.ValueKind == JsonValueKind.String)
                    return tag.Value.GetString();
        }
        catch (JsonException)
        {
            return null;
        }
        return null;
    }
}
