using Microsoft.Extensions.Hosting;

namespace Synthstage.Studio;

/// <summary>Starts the job queue with the server (resuming what a previous run left) and stops its workers with it.</summary>
public sealed class QueueService(JobQueue queue) : IHostedService
{
    /// <summary>Requeues interrupted jobs and starts the workers.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        queue.Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops the workers; a job in progress resumes at the next start.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await queue.DisposeAsync();
}
