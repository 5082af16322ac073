using System.Runtime.CompilerServices;

namespace Synthstage.Media;

/// <summary>
/// Streams decoded frames of a video or still image as packed RGB/RGBA bytes from an ffmpeg child process
/// (<c>ffmpeg -i IN -fps_mode passthrough -f rawvideo -pix_fmt rgb24 -</c>). Memory use does not depend on the
/// video's length: each frame is read straight from ffmpeg's stdout pipe into the caller's buffer.
/// </summary>
/// <remarks>
/// Frames come in display orientation (ffmpeg's autorotate applies <see cref="VideoInfo.Rotation"/>), one per
/// decoded source frame with no duplication or dropping, so a variable-frame-rate file yields exactly its frames.
/// Colours are converted by ffmpeg using the matrix and range the source is tagged with (untagged YUV is taken
/// as BT.601, as ffmpeg does); non-square sample aspect ratios are not corrected.
/// A dedicated thread per reader does the blocking pipe reads (see <c>BlockingPipe</c>), so reading allocates nothing per frame.
/// Not thread-safe: read from one task at a time. Dispose to stop early; that kills ffmpeg.
/// </remarks>
public sealed class VideoFrameReader : IAsyncDisposable
{
    private readonly FfmpegProcess _process;
    private readonly Stream _stdout;
    private readonly BlockingPipe _pipe;
    private readonly VideoInfo _info;
    private bool _finished;
    private bool _disposed;

    private VideoFrameReader(FfmpegProcess process, VideoInfo info, FramePixelFormat format, int width, int height)
    {
        _process = process;
        _stdout = process.StandardOutput;
        PipeCapacity.TryEnlarge(_stdout);
        _pipe = new BlockingPipe(_stdout, "synthstage ffmpeg frame reader");
        _info = info;
        PixelFormat = format;
        Width = width;
        Height = height;
        FrameSizeBytes = format.FrameSize(width, height);
    }

    /// <summary>Width in pixels of the delivered frames (after rotation and scaling).</summary>
    public int Width { get; }

    /// <summary>Height in pixels of the delivered frames (after rotation and scaling).</summary>
    public int Height { get; }

    /// <summary>Layout of the delivered frames.</summary>
    public FramePixelFormat PixelFormat { get; }

    /// <summary>Bytes of one frame: <see cref="Width"/> × <see cref="Height"/> × bytes per pixel. Buffers passed to
    /// <see cref="ReadFrameAsync"/> must be at least this long.</summary>
    public int FrameSizeBytes { get; }

    /// <summary>Frames delivered so far.</summary>
    public int FramesRead { get; private set; }

    /// <summary>
    /// After the last frame: true when the input was damaged or truncated, i.e. ffmpeg reported decode errors,
    /// failed, stopped inside a frame, or delivered fewer frames than the container declares.
    /// The frames that did decode were delivered; <see cref="Warning"/> says what went wrong.
    /// </summary>
    public bool EndedEarly { get; private set; }

    /// <summary>A one-line description of why the read ended early, or null.</summary>
    public string? Warning { get; private set; }

    /// <summary>Starts decoding <paramref name="info"/>'s file.</summary>
    /// <param name="info">The probed input, from <see cref="MediaProbe.ProbeAsync"/>.</param>
    /// <param name="format">Layout of the delivered frames. With <see cref="FramePixelFormat.Rgba32"/> the source's
    /// alpha is kept (VP9 WebM alpha is decoded with libvpx); opaque sources give alpha 255.</param>
    /// <param name="width">Scale frames to this width; null keeps the display width, or follows the aspect ratio
    /// when only <paramref name="height"/> is given.</param>
    /// <param name="height">Scale frames to this height; null keeps the display height, or follows the aspect
    /// ratio when only <paramref name="width"/> is given.</param>
    /// <returns>A reader positioned before the first frame; ffmpeg is already running.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A requested size is not positive.</exception>
    /// <exception cref="SynthstageException">ffmpeg is not installed (<see cref="ExitCodes.Failure"/>).</exception>
    public static VideoFrameReader Open(VideoInfo info, FramePixelFormat format = FramePixelFormat.Rgb24, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (width is <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be positive");
        if (height is <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "height must be positive");

        var (outWidth, outHeight) = (width, height) switch
        {
            (null, null) => (info.DisplayWidth, info.DisplayHeight),
            ({ } w, { } h) => (w, h),
            ({ } w, null) => (w, Math.Max(1, (int)Math.Round((double)w * info.DisplayHeight / info.DisplayWidth))),
            (null, { } h) => (Math.Max(1, (int)Math.Round((double)h * info.DisplayWidth / info.DisplayHeight)), h),
        };

        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error" };
        // ffmpeg's native VP8/VP9 decoders ignore the alpha side channel that WebM stores; libvpx reads it.
        if (format == FramePixelFormat.Rgba32 && info.HasAlpha && info.VideoCodec is "vp9" or "vp8")
            args.AddRange(["-c:v", info.VideoCodec == "vp9" ? "libvpx-vp9" : "libvpx"]);
        args.AddRange(["-i", FfmpegTools.FileUrl(info.Path), "-map", "0:" + info.VideoStreamIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), "-an", "-sn", "-dn"]);
        if (outWidth != info.DisplayWidth || outHeight != info.DisplayHeight)
            args.AddRange(["-vf", $"scale={outWidth}:{outHeight}:flags=bicubic"]);
        if (info.IsStillImage) args.AddRange(["-frames:v", "1"]);
        // One output frame per decoded frame, never duplicated or dropped. -fps_mode replaced -vsync in ffmpeg 5.1;
        // git builds report 0.0 and are new.
        var version = FfmpegTools.FfmpegVersion;
        args.AddRange(version.Major > 0 && version < new Version(5, 1) ? ["-vsync", "passthrough"] : ["-fps_mode", "passthrough"]);
        args.AddRange(["-f", "rawvideo", "-pix_fmt", format.FfmpegName(), "pipe:1"]);

        return new VideoFrameReader(FfmpegProcess.Start(FfmpegTools.FfmpegPath, args, redirectInput: false, redirectOutput: true),
            info, format, outWidth, outHeight);
    }

    /// <summary>
    /// Reads the next frame into the first <see cref="FrameSizeBytes"/> bytes of <paramref name="destination"/>.
    /// Does not allocate per frame.
    /// </summary>
    /// <param name="destination">Receives one packed frame; must hold at least <see cref="FrameSizeBytes"/> bytes.
    /// Its contents are undefined when the method returns false.</param>
    /// <param name="ct">Cancellation kills ffmpeg; the reader can then only be disposed.</param>
    /// <returns>True when a frame was read; false at the end of the video.</returns>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/> when the input ended before a
    /// single frame could be decoded.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadFrameAsync(Memory<byte> destination, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < FrameSizeBytes)
            throw new ArgumentException($"the buffer holds {destination.Length} bytes; a frame needs {FrameSizeBytes}", nameof(destination));
        if (_finished) return false;
        ct.ThrowIfCancellationRequested();

        int received;
        // Cancellation kills ffmpeg, which ends the blocking read on the pipe thread.
        using (_process.KillOnCancel(ct))
        {
            try
            {
                received = await _pipe.ReadExactlyOrToEndAsync(destination[..FrameSizeBytes]).ConfigureAwait(false);
            }
            catch (IOException)
            {
                received = 0; // the pipe broke: ffmpeg died; FinishAsync reports why
            }
        }
        if (ct.IsCancellationRequested)
        {
            _finished = true;
            _process.Kill();
            ct.ThrowIfCancellationRequested();
        }
        if (received == FrameSizeBytes)
        {
            FramesRead++;
            return true;
        }

        await FinishAsync(partialBytes: received, ct).ConfigureAwait(false);
        return false;
    }

    private async Task FinishAsync(int partialBytes, CancellationToken ct)
    {
        _finished = true;
        await _process.WaitForExitAsync(ct).ConfigureAwait(false);

        var exitCode = _process.ExitCode;
        var problem = _process.FirstErrorLine;
        if (FramesRead == 0)
        {
            var reason = problem.Length > 0 ? problem : exitCode != 0 ? $"ffmpeg exited with code {exitCode}" : "the video stream is empty";
            throw new SynthstageException($"input '{_info.Path}' has no decodable frames ({Shorten(reason)})", ExitCodes.BadInput);
        }

        string? warning = null;
        if (exitCode != 0) warning = $"ffmpeg exited with code {exitCode}" + (problem.Length > 0 ? $": {problem}" : "");
        else if (problem.Length > 0) warning = $"decode errors: {problem}";
        else if (partialBytes > 0) warning = $"the last frame was cut off after {partialBytes} of {FrameSizeBytes} bytes";
        else if (_info.FrameCountIsExact && !_info.IsStillImage && FramesRead < _info.FrameCount)
            warning = $"only {FramesRead} of the {_info.FrameCount} frames the container declares could be decoded";

        if (warning is not null)
        {
            EndedEarly = true;
            Warning = $"input '{_info.Path}' ended early after {FramesRead} frames; {Shorten(warning)}";
        }
    }

    /// <summary>Stops ffmpeg (killing it when it is still decoding) and releases the pipe.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _finished = true;
        // Killed first, so the pipe thread's blocked read ends and the thread can be joined.
        _process.Kill();
        _pipe.Dispose();
        await _stdout.DisposeAsync().ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
    }

    private static string Shorten(string line) => line.Length > 300 ? line[..300] + "…" : line;
}
