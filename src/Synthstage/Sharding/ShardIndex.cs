using System.Globalization;

namespace Synthstage.Sharding;

/// <summary>
/// Which shard a worker renders: <c>--index</c>, else the index the scheduler hands the task — <c>JOB_COMPLETION_INDEX</c>
/// (Kubernetes Indexed Job), <c>SLURM_ARRAY_TASK_ID</c> (Slurm job array) — else <c>SYNTHSTAGE_SHARD_INDEX</c>, which
/// any other farm (a render manager's frame-chunk task, a shell loop) can set.
/// </summary>
public static class ShardIndex
{
    /// <summary>The variables read, in order.</summary>
    public static IReadOnlyList<string> Variables { get; } = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SYNTHSTAGE_SHARD_INDEX"];

    /// <summary>The index from <paramref name="flag"/> or the first variable set.</summary>
    /// <param name="flag">The <c>--index</c> value, or null.</param>
    /// <param name="environment">Reads a variable (the process environment in the CLI).</param>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: no index, or one that is not a whole number.</exception>
    public static int Resolve(int? flag, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (flag is { } given) return given;
        foreach (var name in Variables)
        {
            if (environment(name) is not { Length: > 0 } text) continue;
            return int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index)
                ? index
                : throw new SynthstageException($"{name}='{text}' is not a shard index (a whole number)", ExitCodes.Usage);
        }
        throw new SynthstageException($"no shard index: give --index I or set {string.Join(", ", Variables)}", ExitCodes.Usage);
    }
}
