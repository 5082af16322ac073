using Synthstage.Media;

namespace Synthstage.Studio;

/// <summary>The clips a user can pick: media files anywhere in the data folder but its work and output folders.</summary>
public sealed class ClipCatalog(StudioDataFolder folder)
{
    private static readonly string[] MediaExtensions =
        [".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".video", ".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".image"];

    /// <summary>Relative paths of the media files in the data folder, uploads first, then by name.</summary>
    public IReadOnlyList<string> List()
    {
        var skipped = new[] { folder.Work, folder.Outputs };
        return [.. Directory.EnumerateFiles(folder.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true })
            .Where(f => MediaExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Where(f => !skipped.Any(s => f.StartsWith(s + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Select(folder.Relative)
            .Where(StaysInside)
            .OrderBy(p => p.StartsWith("uploads/", StringComparison.Ordinal) ? 0 : 1).ThenBy(p => p, StringComparer.Ordinal)];
    }

    // A file reached through a link (of its own or of a folder above it) that leads out of the data folder is not listed.
    private bool StaysInside(string relative)
    {
        try
        {
            folder.Resolve(relative);
            return true;
        }
        catch (SynthstageException)
        {
            return false;
        }
    }

    /// <summary>Probes the clip at <paramref name="relativePath"/>.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: outside the data folder, missing, or not media.</exception>
    public async Task<StudioClip> DescribeAsync(string relativePath, CancellationToken ct)
    {
        var (path, info) = await ProbeAsync(relativePath, ct).ConfigureAwait(false);
        return StudioClip.From(folder.Relative(path), ClipUploads.NameOf(path), info);
    }

    /// <summary>The full path and probe of the clip at <paramref name="relativePath"/>.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: outside the data folder, missing, or not media.</exception>
    public async Task<(string Path, VideoInfo Info)> ProbeAsync(string relativePath, CancellationToken ct)
    {
        var path = folder.Resolve(relativePath);
        if (!File.Exists(path)) throw new SynthstageException($"'{relativePath}' is not a file in the data folder", ExitCodes.BadInput);
        VideoInfo info;
        try
        {
            info = await MediaProbe.ProbeAsync(path, ct).ConfigureAwait(false);
        }
        catch (SynthstageException e) when (e.ExitCode == ExitCodes.BadInput)
        {
            throw new SynthstageException($"'{relativePath}' is not a video or image Synthstage can read", ExitCodes.BadInput, e);
        }
        return (path, info);
    }
}
