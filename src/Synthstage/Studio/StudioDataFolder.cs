namespace Synthstage.Studio;

/// <summary>
/// The studio's data folder: uploads, the job store, renders in progress and outputs. Every path a client names is
/// relative to it and goes through <see cref="Resolve"/>, so no request reaches a file outside it — not by <c>..</c>,
/// an absolute path, a back-slash or percent-encoded separator, nor a symbolic link pointing out of the folder.
/// </summary>
public sealed class StudioDataFolder
{
    /// <summary>Opens (and creates) the data folder and its sub-folders.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadOutput"/>: the folder cannot be created.</exception>
    public StudioDataFolder(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        try
        {
            Directory.CreateDirectory(root);
            var full = Path.GetFullPath(root);
            // The root itself may be a link (a data folder on another disk): everything is checked against where it points.
            Root = Path.TrimEndingDirectorySeparator(Directory.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full);
            foreach (var folder in new[] { Uploads, Outputs, Work }) Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot create the studio's data folder '{root}': {e.Message}", ExitCodes.BadOutput, e);
        }
    }

    /// <summary>The folder, absolute, with links resolved.</summary>
    public string Root { get; }

    /// <summary>Uploaded clips and images, each named by the SHA-256 of its content.</summary>
    public string Uploads => Path.Combine(Root, "uploads");

    /// <summary>One folder per finished render (the output and its manifest).</summary>
    public string Outputs => Path.Combine(Root, "outputs");

    /// <summary>Temporary files: uploads being received, frame previews.</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>The SQLite job store.</summary>
    public string Database => Path.Combine(Root, "studio.db");

    /// <summary>The path of <paramref name="path"/> relative to the root, with forward slashes.</summary>
    public string Relative(string path) => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>
    /// The absolute path of <paramref name="relative"/> (forward slashes) inside the data folder, links resolved.
    /// </summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: the path is absolute, climbs out, holds
    /// an encoded or back-slash separator, or leads through a link to somewhere outside the folder.</exception>
    public string Resolve(string relative)
    {
        if (string.IsNullOrWhiteSpace(relative)) throw Outside(relative ?? "");
        // A percent sign or back-slash never appears in the names the studio makes; refusing them closes encoded
        // separators ("..%2F") and Windows-style ones ("..\\") however the caller decoded them.
        if (relative.Contains('%') || relative.Contains('\\') || relative.Contains('\0') || relative.Contains(':')
            || relative.StartsWith('/') || Path.IsPathRooted(relative))
            throw Outside(relative);
        var current = Root;
        foreach (var segment in relative.Split('/'))
        {
            if (segment is "" or "." or "..") throw Outside(relative);
            current = Path.Combine(current, segment);
            var link = new FileInfo(current).LinkTarget is null ? null : File.ResolveLinkTarget(current, returnFinalTarget: true);
            if (link is not null)
            {
                current = Path.TrimEndingDirectorySeparator(Path.GetFullPath(link.FullName));
                if (!IsInside(current)) throw Outside(relative);
            }
        }
        var full = Path.GetFullPath(current);
        if (!IsInside(full)) throw Outside(relative);
        return full;
    }

    /// <summary>True when <paramref name="fullPath"/> is the root or below it.</summary>
    public bool IsInside(string fullPath) =>
        fullPath.Equals(Root, StringComparison.Ordinal) || fullPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static SynthstageException Outside(string relative) =>
        new($"'{relative}' is not a file in the data folder (give a path relative to it, without '..')", ExitCodes.BadInput);
}
