using System.Text.Json;
using Synthstage.Imaging;
using Synthstage.Media;

namespace Synthstage.Provenance.Manifest;

/// <summary>
/// Puts a manifest inside an output file and reads it back: a PNG <c>iTXt</c>/<c>tEXt</c> chunk with keyword
/// <see cref="PngKeyword"/>, or a container tag <see cref="TagName"/> in MP4/MOV (ffmpeg <c>-metadata</c> with
/// <c>use_metadata_tags</c>) and WebM/MKV, written by a stream-copy remux (no re-encode). PNG sequences and other
/// formats keep only the sidecar.
/// </summary>
public static class ManifestContainer
{
    /// <summary>PNG text keyword of the embedded manifest.</summary>
    public const string PngKeyword = "SynthstageManifest";

    /// <summary>Container tag of the embedded manifest.</summary>
    public const string TagName = "synthstage_manifest";

    /// <summary>True when <paramref name="path"/>'s format can carry an embedded manifest.</summary>
    public static bool CanEmbed(string path) => !Directory.Exists(path) && KindOf(path) != ContainerKind.None;

    /// <summary>Embeds <paramref name="manifestJson"/> into the file at <paramref name="path"/> (replaced atomically).</summary>
    /// <returns>False when the format cannot carry a manifest (nothing is changed).</returns>
    /// <exception cref="SynthstageException">The rewrite failed; the original file is left as it was.</exception>
    public static async Task<bool> EmbedAsync(string path, string manifestJson, CancellationToken ct = default)
    {
        var kind = Directory.Exists(path) ? ContainerKind.None : KindOf(path);
        if (kind == ContainerKind.None) return false;
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileNameWithoutExtension(full)}.{Environment.ProcessId}.manifest{Path.GetExtension(full)}");
        try
        {
            if (kind == ContainerKind.Png)
            {
                var png = await File.ReadAllBytesAsync(full, ct).ConfigureAwait(false);
                var compact = Compact(manifestJson);
                await File.WriteAllBytesAsync(temp, PngTextChunks.Insert(png, [new(PngKeyword, compact)]), ct).ConfigureAwait(false);
            }
            else
            {
                var compact = Compact(manifestJson);
                List<string> args = ["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", FfmpegTools.FileUrl(full), "-map", "0", "-c", "copy", "-map_metadata", "0"];
                if (kind == ContainerKind.Mp4) args.AddRange(["-movflags", "+faststart+use_metadata_tags"]);
                args.AddRange(["-metadata", $"{TagName}={compact}", FfmpegTools.FileUrl(temp)]);
                var run = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, args, ct).ConfigureAwait(false);
                if (run.ExitCode != 0)
                    throw new SynthstageException($"embedding the manifest in '{path}' failed: {run.FirstErrorLine}", ExitCodes.Failure);
            }
            File.Move(temp, full, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The container tags that carry <paramref name="manifestJson"/> (compacted) in MP4/MOV/WebM, as <see cref="EmbedAsync"/> writes them.</summary>
    public static IReadOnlyDictionary<string, string> ContainerTags(string manifestJson) =>
        new Dictionary<string, string> { [TagName] = Compact(manifestJson) };

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

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

    private enum ContainerKind { None, Png, Mp4, Matroska }

    private static ContainerKind KindOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ContainerKind.Png,
        ".mp4" or ".mov" or ".m4v" => ContainerKind.Mp4,
        ".webm" or ".mkv" => ContainerKind.Matroska,
        _ => ContainerKind.None,
    };
}
