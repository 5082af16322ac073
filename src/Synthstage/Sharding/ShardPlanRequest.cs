namespace Synthstage.Sharding;

/// <summary>How <c>synthstage plan</c> cuts a render: a number of shards or a length per shard.</summary>
/// <param name="Shards">Shards wanted, or null.</param>
/// <param name="ShardSeconds">Seconds of video per shard, or null.</param>
public sealed record ShardPlanRequest(int? Shards, double? ShardSeconds)
{
    /// <summary>Warm-up frames per shard instead of the render's default (keyed renders only: a walk needs none), or null.</summary>
    public int? WarmUpFrames { get; init; }

    /// <summary>The shards of <paramref name="render"/>.</summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: neither or both given, or a value out of range.</exception>
    public IReadOnlyList<ShardRange> Split(IShardableRender render)
    {
        ArgumentNullException.ThrowIfNull(render);
        if (WarmUpFrames < 0) throw new SynthstageException($"--warm-up-frames must be 0 or more; got {WarmUpFrames}", ExitCodes.Usage);
        var warmUp = render.WarmUpFrames == 0 ? 0 : WarmUpFrames ?? render.WarmUpFrames;
        return (Shards, ShardSeconds) switch
        {
            ({ } n, null) => ShardLayout.Split(render.FrameCount, n, render.AlignFrames, warmUp),
            (null, { } s) => ShardLayout.BySeconds(render.FrameCount, render.FrameRate, s, render.AlignFrames, warmUp),
            _ => throw new SynthstageException("give either --shards N or --shard-seconds S (exactly one)", ExitCodes.Usage),
        };
    }
}
