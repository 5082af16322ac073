namespace Synthstage.Sharding;

/// <summary>Splits a render's frames into consecutive shards whose boundaries fall on whole encoder parts.</summary>
public static class ShardLayout
{
    /// <summary>
    /// <paramref name="shards"/> shards (fewer when there are fewer parts than that) of as equal a length as whole parts
    /// of <paramref name="alignFrames"/> allow; the earlier shards take the remainder.
    /// </summary>
    /// <param name="frameCount">Frames of the whole render.</param>
    /// <param name="shards">Shards asked for (at least 1).</param>
    /// <param name="alignFrames">Shard boundaries are multiples of this (the walk's part length, so every part is encoded
    /// from the same frames as in a single render; 1 for no alignment).</param>
    /// <param name="warmUpFrames">Frames a shard renders unwritten before its range (fewer at the start of the video).</param>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: fewer than one shard.</exception>
    public static IReadOnlyList<ShardRange> Split(int frameCount, int shards, int alignFrames, int warmUpFrames)
    {
        if (shards < 1) throw new SynthstageException($"--shards must be at least 1; got {shards}", ExitCodes.Usage);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(alignFrames, 1);
        var units = (frameCount + alignFrames - 1) / alignFrames;
        var count = Math.Min(shards, units);
        var ranges = new List<ShardRange>(count);
        var unit = 0;
        for (var i = 0; i < count; i++)
        {
            var take = units / count + (i < units % count ? 1 : 0);
            var start = unit * alignFrames;
            unit += take;
            ranges.Add(new ShardRange(i, start, Math.Min(unit * alignFrames, frameCount), Math.Min(warmUpFrames, start)));
        }
        return ranges;
    }

    /// <summary>Shards of about <paramref name="seconds"/> each (rounded up to whole parts); the last takes what is left.</summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: the length is not positive.</exception>
    public static IReadOnlyList<ShardRange> BySeconds(int frameCount, double frameRate, double seconds, int alignFrames, int warmUpFrames)
    {
        if (!(seconds > 0) || double.IsInfinity(seconds))
            throw new SynthstageException($"--shard-seconds must be more than 0; got {seconds}", ExitCodes.Usage);
        var frames = Math.Max(1, (int)Math.Round(seconds * frameRate));
        frames = (frames + alignFrames - 1) / alignFrames * alignFrames;
        var ranges = new List<ShardRange>();
        for (var start = 0; start < frameCount; start += frames)
            ranges.Add(new ShardRange(ranges.Count, start, Math.Min(start + frames, frameCount), Math.Min(warmUpFrames, start)));
        return ranges;
    }
}
