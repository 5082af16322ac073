namespace Synthstage.Sharding;

/// <summary>How <c>synthstage plan</c> cuts a render: a number of shards or a length per shard.</summary>
/// <param name="Shards">Shards wanted, or null.</param>
/// <param name="ShardSeconds">Seconds of video per shard, or null.</param>
public sealed record ShardPlanRequest(int? Shards, double? ShardSeconds)
{
    /// <summary>The shards of <paramref name="render"/>.</summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: neither or both given, or a value out of range.</exception>
    public IReadOnlyList<ShardRange> Split(IShardableRender render)
    {
        ArgumentNullException.ThrowIfNull(render);
        return (Shards, ShardSeconds) switch
        {
            ({ } n, null) => ShardLayout.Split(render.FrameCount, n, render.AlignFrames, render.WarmUpFrames),
            (null, { } s) => ShardLayout.BySeconds(render.FrameCount, render.FrameRate, s, render.AlignFrames, render.WarmUpFrames),
            _ => throw new SynthstageException("give either --shards N or --shard-seconds S (exactly one)", ExitCodes.Usage),
        };
    }
}
