namespace Synthstage.Compositing;

/// <summary>
/// Makes a render's background (an image to decode and scale to cover, a scene plate) on the thread pool as soon as the
/// frame size is known, so it is ready when the segmentation model has loaded instead of being made after it. The
/// finisher takes it with <see cref="Take"/>; one that is never taken is disposed when it is done.
/// </summary>
internal sealed class BackgroundInAdvance : IDisposable
{
    private readonly IBackgroundFactory _factory;
    private readonly int _width, _height, _frameCount;
    private readonly Task<IBackgroundSource> _making;
    private bool _taken;

    /// <summary>Starts making the background for frames of width×height of a clip of <paramref name="frameCount"/> frames.</summary>
    public BackgroundInAdvance(IBackgroundFactory factory, int width, int height, int frameCount)
    {
        ArgumentNullException.ThrowIfNull(factory);
        (_factory, _width, _height, _frameCount) = (factory, width, height, frameCount);
        _making = Task.Run(() => factory.Create(width, height, frameCount));
    }

    /// <summary>The background for frames of width×height; the caller owns it. Rethrows the factory's error.</summary>
    /// <exception cref="InvalidOperationException">Taken twice.</exception>
    public IBackgroundSource Take(int width, int height)
    {
        if (_taken) throw new InvalidOperationException("the background was taken already");
        _taken = true;
        if (width == _width && height == _height) return _making.GetAwaiter().GetResult();
        Release();
        return _factory.Create(width, height, _frameCount);
    }

    /// <summary>Disposes the background unless it was taken (now, or when it is finished).</summary>
    public void Dispose()
    {
        if (_taken) return;
        _taken = true;
        Release();
    }

    // Disposes the background made in advance once it exists; a failure to make it is then nobody's concern.
    private void Release() =>
        _making.ContinueWith(static made =>
        {
            if (made.IsCompletedSuccessfully) made.Result.Dispose();
            else _ = made.Exception;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
