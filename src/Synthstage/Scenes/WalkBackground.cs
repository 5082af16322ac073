using Synthstage.Compositing;
using Synthstage.Imaging;

namespace Synthstage.Scenes;

/// <summary>
/// A background that walks through generated frames: output frame i sits at position i / every between generated frames
/// ⌊p⌋ and ⌊p⌋ + 1 and is their crossfade, each scaled to cover the output frame. Two covered frames are held at a time
/// and loaded as the clip reaches them, so memory is flat in the clip's length. With an upscaler each generated frame is
/// super-resolved (ESRGAN or Lanczos by an integer factor) as it is loaded, before the cover resampling, as a still
/// plate is; the cached frames stay what the model generated.
/// </summary>
public sealed class WalkBackground : IBackgroundSource
{
    private readonly string _folder;
    private readonly int _count;
    private readonly int _every;
    private readonly int _width;
    private readonly int _height;
    private readonly byte[][] _slots;
    private readonly int[] _slotFrame = [-1, -1];
    private readonly Walks.Upscaling.IFrameUpscaler? _upscaler;

    /// <summary>Walks through <c>frame_000001.png</c> … in <paramref name="framesFolder"/>.</summary>
    /// <param name="framesFolder">The generated frames, numbered from 1.</param>
    /// <param name="frameCount">How many generated frames there are (at least 1).</param>
    /// <param name="every">Output frames per generated frame (at least 1).</param>
    /// <param name="width">Output frame width.</param>
    /// <param name="height">Output frame height.</param>
    /// <param name="upscaler">Enlarges each generated frame before the cover, or null for the cover alone; owned (disposed) by the background.</param>
    public WalkBackground(string framesFolder, int frameCount, int every, int width, int height, Walks.Upscaling.IFrameUpscaler? upscaler = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        _folder = framesFolder;
        _count = frameCount;
        _every = every;
        _width = width;
        _height = height;
        _slots = [new byte[width * height * 3], new byte[width * height * 3]];
        _upscaler = upscaler;
    }

    /// <summary>The path of generated frame <paramref name="index"/> (zero-based).</summary>
    public static string FramePath(string folder, int index) => Path.Combine(folder, $"frame_{index + 1:D6}.png");

    /// <inheritdoc />
    public bool IsStatic => false;

    /// <inheritdoc />
    public void Render(ReadOnlySpan<byte> frame, Span<byte> destination) => Render(0, frame, destination);

    /// <inheritdoc />
    public void Render(int frameIndex, ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        var first = Math.Min(frameIndex / _every, _count - 1);
        var weight = first == _count - 1 ? 0 : (frameIndex - first * _every) * 256 / _every;
        var a = Covered(first);
        if (weight == 0)
        {
            a.CopyTo(destination);
            return;
        }
        var b = Covered(first + 1);
        int wa = 256 - weight, wb = weight;
        for (var i = 0; i < destination.Length; i++) destination[i] = (byte)((a[i] * wa + b[i] * wb + 128) >> 8);
    }

    private ReadOnlySpan<byte> Covered(int index)
    {
        for (var s = 0; s < 2; s++)
            if (_slotFrame[s] == index) return _slots[s];
        // Replace the slot holding the older frame (the clip moves forward).
        var slot = _slotFrame[0] < _slotFrame[1] ? 0 : 1;
        var path = FramePath(_folder, index);
        SkiaSharp.SKBitmap bitmap;
        try
        {
            bitmap = _upscaler is null ? ImageFiles.ReadRgba(path, "generated background frame") : Enlarged(path);
        }
        catch (SynthstageException e)
        {
            // Not the user's input but our cache: say how to repair it.
            throw new SynthstageException($"generated background frame '{path}' is missing or damaged; remove its cache folder to generate it again", ExitCodes.Failure, e);
        }
        using (bitmap) ImageBackground.CoverToRgb24(bitmap, _width, _height).CopyTo(_slots[slot], 0);
        _slotFrame[slot] = index;
        return _slots[slot];
    }

    private SkiaSharp.SKBitmap Enlarged(string path)
    {
        var frame = ImageFiles.ReadRgb(path, "generated background frame");
        var f = _upscaler!.Factor;
        var enlarged = new byte[frame.Width * f * frame.Height * f * 3];
        _upscaler.Upscale(frame.Pixels, frame.Width, frame.Height, enlarged);
        return new RgbImage(frame.Width * f, frame.Height * f, enlarged).ToBitmap();
    }

    /// <inheritdoc />
    public void Dispose() => _upscaler?.Dispose();
}
