using Synthstage.Media;

namespace Synthstage.Studio;

/// <summary>
/// The probe of the clips the clip page is working on, kept while the file stays as it was probed (size and time):
/// each overlay click names its clip, and a new ffprobe per click cost 300–400 ms on a loaded machine, more than the
/// matte itself.
/// </summary>
public static class ClipProbes
{
    private static readonly Lock CacheLock = new();
    private static readonly LinkedList<(string Key, VideoInfo Info)> Recent = new();
    private const int CacheSize = 8;

    /// <summary>As <see cref="MediaProbe.ProbeAsync"/>, from the last few clips probed when <paramref name="path"/> is among them unchanged.</summary>
    /// <exception cref="SynthstageException">As <see cref="MediaProbe.ProbeAsync"/>.</exception>
    public static async Task<VideoInfo> ProbeCachedAsync(string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileInfo(path);
        var key = file.Exists ? $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}" : null;
        if (key is not null)
            lock (CacheLock)
            {
                var hit = Recent.FirstOrDefault(r => r.Key == key);
                if (hit.Info is not null) return hit.Info;
            }
        var info = await MediaProbe.ProbeAsync(path, ct).ConfigureAwait(false);
        if (key is null) return info;
        lock (CacheLock)
        {
            Recent.AddFirst((key, info));
            while (Recent.Count > CacheSize) Recent.RemoveLast();
        }
        return info;
    }
}
