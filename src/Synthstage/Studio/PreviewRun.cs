using SkiaSharp;
using Synthstage.Diffusion.Pipelines;

namespace Synthstage.Studio;

/// <summary>
/// One preview being made in the background: every event it produced so far (a reader joining late gets them all, in
/// order, then waits for the next), its cancellation (Stop), and the PNG it wrote once done.
/// </summary>
public sealed class PreviewRun : IProgress<DiffusionPreview>
{
    private readonly Lock _lock = new();
    private readonly List<PreviewEvent> _events = [];
    private readonly CancellationTokenSource _cancel = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal PreviewRun(string id, string imagePath)
    {
        Id = id;
        ImagePath = imagePath;
    }

    /// <summary>Short random id.</summary>
    public string Id { get; }

    /// <summary>Where the finished PNG is written (for a matte preview: its WebM).</summary>
    public string ImagePath { get; }

    /// <summary>When it started, for pruning old runs.</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>Cancelled by <see cref="Stop"/>.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>True once the run ended (done, stopped or failed).</summary>
    public bool Finished { get; private set; }

    /// <summary>The events so far.</summary>
    public IReadOnlyList<PreviewEvent> Events
    {
        get
        {
            lock (_lock) return [.. _events];
        }
    }

    /// <summary>Ends generation early: the denoising loop stops before its next step.</summary>
    public void Stop()
    {
        if (!Finished) _cancel.Cancel();
    }

    /// <summary>Every event from the first, then each new one as it happens, until the run ends or <paramref name="ct"/> is cancelled.</summary>
    public async IAsyncEnumerable<PreviewEvent> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var next = 0;
        while (true)
        {
            Task changed;
            PreviewEvent[] fresh;
            bool finished;
            lock (_lock)
            {
                fresh = [.. _events.Skip(next)];
                finished = Finished;
                changed = _changed.Task;
            }
            foreach (var e in fresh) yield return e;
            next += fresh.Length;
            if (finished) yield break;
            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A denoising step's latent picture: kept as PNG for every reader.</summary>
    public void Report(DiffusionPreview value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var bitmap = value.Picture.ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        Add(new PreviewEvent("step", value.Step, value.Steps, data?.ToArray(), null), finished: false);
    }

    /// <summary>Progress without a picture: step (a matte preview's frame) <paramref name="step"/> of <paramref name="steps"/>.</summary>
    internal void Progress(int step, int steps) => Add(new PreviewEvent("step", step, steps, null, null), finished: false);

    internal void End(PreviewEvent last)
    {
        Add(last, finished: true);
    }

    private void Add(PreviewEvent e, bool finished)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (Finished) return;
            _events.Add(e);
            Finished = finished;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>The last step reported, and the steps it runs.</summary>
    internal (int Step, int Steps) LastStep()
    {
        lock (_lock)
            return _events.LastOrDefault(e => e.Kind == "step") is { } s ? (s.Step, s.Steps) : (0, 0);
    }
}
