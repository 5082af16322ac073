namespace Synthstage.Studio;

/// <summary>Where a job is in its life; stored by name.</summary>
public enum JobState
{
    /// <summary>Waiting its turn.</summary>
    Queued,
    /// <summary>Rendering now.</summary>
    Running,
    /// <summary>Held by the user: skipped until resumed (a paused render keeps its finished parts).</summary>
    Paused,
    /// <summary>Finished; its output is in the gallery.</summary>
    Done,
    /// <summary>Stopped by an error (its one-line message is kept).</summary>
    Failed,
    /// <summary>Cancelled by the user.</summary>
    Cancelled,
}
