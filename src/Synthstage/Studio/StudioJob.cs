namespace Synthstage.Studio;

/// <summary>A job as the queue, the store and the pages see it.</summary>
/// <param name="Id">Short random id.</param>
/// <param name="Kind">"composite" (more kinds go through the same queue).</param>
/// <param name="Title">One line for the queue and the gallery.</param>
/// <param name="State">Where it is.</param>
/// <param name="Position">Order among the jobs (lower runs first).</param>
/// <param name="Device">The device it runs on; one job at a time per device.</param>
/// <param name="Request">What was asked.</param>
/// <param name="Output">The output file relative to the data folder, once there is one.</param>
/// <param name="Error">The one-line error of a failed job.</param>
/// <param name="Progress">How far it is, while running (and where it stopped).</param>
/// <param name="Created">When it was added.</param>
/// <param name="Finished">When it ended.</param>
/// <param name="RenderSeconds">Wall time of its last run.</param>
public sealed record StudioJob(string Id, string Kind, string Title, JobState State, long Position, string Device, RenderRequest Request,
    string? Output, string? Error, JobProgress? Progress, DateTimeOffset Created, DateTimeOffset? Finished, double? RenderSeconds);
