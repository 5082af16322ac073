namespace Synthstage.Sharding;

/// <summary>One shard of a job: the frames it writes and how many frames before them it renders unwritten first.</summary>
/// <param name="Index">Zero-based shard index (the Indexed Job's completion index, the Slurm array task id).</param>
/// <param name="Start">First frame the shard writes.</param>
/// <param name="End">Frame after the last one it writes.</param>
/// <param name="WarmUpFrames">Frames before <paramref name="Start"/> run through the stateful stages and dropped, so
/// temporal smoothing and tracking reach <paramref name="Start"/> in the state a single render has there (0 for walks).</param>
public sealed record ShardRange(int Index, int Start, int End, int WarmUpFrames)
{
    /// <summary>Frames the shard writes.</summary>
    public int Frames => End - Start;

    /// <summary>The shard's name in messages and file names: <c>shard 3</c>.</summary>
    public string Name => $"shard {Index}";
}
