using System.Text.RegularExpressions;

namespace Synthstage.Models.Hub;

/// <summary>
/// The Hugging Face cache layout, shared with <c>huggingface_hub</c>:
/// <c>models--org--name/blobs/&lt;etag&gt;</c> holds content named by its hash,
/// <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> are relative symbolic links to those blobs, and
/// <c>refs/&lt;revision&gt;</c> holds the commit a branch or tag pointed to when last fetched.
/// </summary>
/// <remarks>A blob appears under its final name only after its hash was checked, and a snapshot link only points
/// at such a blob, so anything reachable from <c>snapshots/</c> can be trusted. Downloads in progress are
/// <c>blobs/&lt;etag&gt;.incomplete</c>.</remarks>
public sealed partial class HubCache
{
    /// <summary>Uses <paramref name="folder"/> (the folder holding <c>models--*</c>).</summary>
    public HubCache(string folder) => Folder = Path.GetFullPath(folder);

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary><c>models--org--name</c> of a repository.</summary>
    public string RepoFolder(HubReference reference) => Path.Combine(Folder, reference.CacheFolderName);

    /// <summary>Where a verified blob lives.</summary>
    /// <exception cref="ArgumentException"><paramref name="etag"/> is empty or not a plain file name: an empty name
    /// would make every file of a pull share <c>blobs.incomplete</c>.</exception>
    public string BlobPath(HubReference reference, string etag)
    {
        if (string.IsNullOrWhiteSpace(etag) || etag is "." or ".." || etag.IndexOfAny(['/', '\\', '\0']) >= 0)
            throw new ArgumentException($"'{etag}' is not a blob name (the ETag of a file)", nameof(etag));
        return Path.Combine(RepoFolder(reference), "blobs", etag);
    }

    /// <summary>The snapshot folder of a commit.</summary>
    public string SnapshotFolder(HubReference reference, string commit) => Path.Combine(RepoFolder(reference), "snapshots", commit);

    /// <summary>The commit the revision resolves to from the cache alone: the revision itself when it is a commit
    /// hash with a snapshot, else the content of <c>refs/&lt;revision&gt;</c>; null when unknown.</summary>
    public string? ResolveCommit(HubReference reference)
    {
        if (CommitPattern().IsMatch(reference.Revision) && Directory.Exists(SnapshotFolder(reference, reference.Revision)))
            return reference.Revision;
        var refPath = Path.Combine(RepoFolder(reference), "refs", reference.Revision);
        if (!File.Exists(refPath)) return null;
        var commit = File.ReadAllText(refPath).Trim();
        return CommitPattern().IsMatch(commit) ? commit : null;
    }

    /// <summary>Records that <paramref name="reference"/>'s revision points at <paramref name="commit"/>.</summary>
    public void WriteRef(HubReference reference, string commit)
    {
        if (reference.Revision == commit) return;
        var refPath = Path.Combine(RepoFolder(reference), "refs", reference.Revision);
        Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
        var temp = refPath + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, refPath, overwrite: true);
    }

    /// <summary>Whether the snapshot already has <paramref name="path"/> and the blob behind it exists.</summary>
    public bool HasSnapshotFile(HubReference reference, string commit, string path) =>
        File.Exists(Path.Combine(SnapshotFolder(reference, commit), path)); // File.Exists follows the link: false when the blob is gone

    /// <summary>Links <c>snapshots/&lt;commit&gt;/&lt;path&gt;</c> to the verified blob (a relative symbolic link, as
    /// huggingface_hub makes; a copy where the file system has no links).</summary>
    public void Link(HubReference reference, string commit, string path, string etag)
    {
        var link = Path.Combine(SnapshotFolder(reference, commit), path);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var blob = BlobPath(reference, etag);
        if (File.Exists(link) || IsLink(link)) File.Delete(link);
        try
        {
            File.CreateSymbolicLink(link, Path.GetRelativePath(Path.GetDirectoryName(link)!, blob));
        }
        catch (IOException)
        {
            File.Copy(blob, link, overwrite: true);
        }
    }

    /// <summary>Files of a snapshot ('/'-separated paths), with the blob each resolves to (null for a plain copy).</summary>
    public IReadOnlyList<(string Path, string FullPath, string? Blob)> SnapshotFiles(string snapshotFolder)
    {
        if (!Directory.Exists(snapshotFolder)) return [];
        return Directory.EnumerateFiles(snapshotFolder, "*", SearchOption.AllDirectories)
            .Select(f =>
            {
                var info = new FileInfo(f);
                var target = info.LinkTarget is { } t ? Path.GetFullPath(Path.Combine(info.DirectoryName!, t)) : null;
                return (Path.GetRelativePath(snapshotFolder, f).Replace('\\', '/'), f, target);
            })
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>A full 40-hex git commit hash.</summary>
    [GeneratedRegex("^[0-9a-f]{40}$")]
    internal static partial Regex CommitPattern();
}
