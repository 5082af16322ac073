namespace Synthstage.Sharding;

/// <summary>What the generated scheduler files say beyond the job itself.</summary>
public sealed record EngineFileOptions
{
    /// <summary>The container image with synthstage on its PATH (Kubernetes).</summary>
    public string Image { get; init; } = "synthstage:latest";

    /// <summary>Shards rendered at once (Kubernetes parallelism, Slurm's <c>%N</c> array throttle); null = all of them.</summary>
    public int? Parallelism { get; init; }

    /// <summary>Retries per shard before Kubernetes marks its index failed.</summary>
    public int BackoffLimitPerIndex { get; init; } = 2;

    /// <summary>The PersistentVolumeClaim that holds the job folder, the models and the inputs.</summary>
    public string VolumeClaim { get; init; } = "synthstage-jobs";

    /// <summary>Where that volume is mounted in every pod: the same path as here, so the plan's paths hold in the pods.
    /// Null: the job folder's parent.</summary>
    public string? MountPath { get; init; }

    /// <summary>Request one GPU per worker (nvidia.com/gpu on Kubernetes, <c>--gres=gpu:1</c> on Slurm).</summary>
    public bool Gpu { get; init; }

    /// <summary>Where the stitch writes the video; null: <c>JOB_DIR/&lt;job name&gt;.mp4</c>.</summary>
    public string? StitchOutput { get; init; }
}
