using System.Globalization;
using System.Runtime.CompilerServices;

namespace Synthstage.Media;

/// <summary>
/// Encodes packed RGB/RGBA frames to MP4, WebM, ProRes, a PNG sequence or a single PNG by streaming them into
/// an ffmpeg child process's stdin. Memory use does not depend on the video's length.
/// </summary>
/// <remarks>
/// <para>Output is atomic: ffmpeg writes to a hidden temporary name in the output folder
/// (<c>.name.&lt;id&gt;.partial.mp4</c>, or a <c>.name.&lt;id&gt;.partial</c> folder for PNG sequences) which
/// <see cref="CompleteAsync"/> renames to the final name. Disposing without completing (after an error or
/// cancellation) kills ffmpeg and deletes the temporary output, so nothing half-written ever carries the final name.</para>
/// <para>MP4 (yuv420p) needs even dimensions: an odd width or height is padded by one column/row that repeats the
/// last one, so the file is one pixel wider/taller than the frames. WebM, ProRes and PNG keep odd sizes.
/// For MP4, WebM and ProRes the frames are converted to YUV with the BT.709 matrix in limited range and tagged as such.</para>
/// <para>A PNG sequence given as a folder is built in a hidden sibling folder and renamed as a whole; the folder must
/// not exist or be empty. A frame pattern (<c>dir/f_%04d.png</c>) writes into an existing folder: the frames are
/// built in a hidden subfolder and moved in one by one at the end, replacing files of the same name.</para>
/// <para>The encoder, muxer and audio arguments of each format come from its <see cref="OutputProfile"/>.</para>
/// <para>Audio from <see cref="VideoWriterOptions.AudioSourcePath"/> is muxed in a second, copy-only ffmpeg pass
/// once the frame count is known, cut with <c>-t</c> on the audio input to the video's duration. (<c>-shortest</c>
/// is not used because it also cuts the last video frames when the audio is the shorter stream.)</para>
/// <para>Not thread-safe: write from one task at a time.</para>
/// </remarks>
public sealed class VideoFrameWriter : IAsyncDisposable
{
    /// <summary>True when an audio stream of <paramref name="codec"/> can be stream-copied into <paramref name="format"/>.</summary>
    internal static bool CanCopyAudio(OutputFormat format, string codec) => OutputProfile.For(format).CanCopyAudio(codec);

    private readonly VideoWriterOptions _options;
    private readonly OutputProfile _profile;
    private readonly OutputTarget _target;
    private readonly FfmpegProcess _process;
    private readonly Stream _stdin;
    private readonly BlockingPipe _pipe;
    private bool _completed;
    private bool _disposed;
    private bool _inputClosed;

    private VideoFrameWriter(VideoWriterOptions options, OutputProfile profile, OutputTarget target, FfmpegProcess process)
    {
        _options = options;
        _profile = profile;
        _target = target;
        _process = process;
        _stdin = process.StandardInput;
        PipeCapacity.TryEnlarge(_stdin);
        _pipe = new BlockingPipe(_stdin, "synthstage ffmpeg frame writer");
        Format = options.Format;
        FrameSizeBytes = options.InputPixelFormat.FrameSize(options.Width, options.Height);
    }

    /// <summary>The format being written.</summary>
    public OutputFormat Format { get; }

    /// <summary>Bytes of one input frame: width × height × bytes per pixel of <see cref="VideoWriterOptions.InputPixelFormat"/>.</summary>
    public int FrameSizeBytes { get; }

    /// <summary>The ffmpeg video encoder in use, e.g. <c>libx264</c>.</summary>
    public string VideoEncoder => _profile.VideoEncoder;

    /// <summary>Frames accepted so far.</summary>
    public int FramesWritten { get; private set; }

    /// <summary>The final output path (file or folder) that exists once <see cref="CompleteAsync"/> has succeeded.</summary>
    public string FinalPath => _target.FinalPath;

    /// <summary>Validates the options and output folder and starts ffmpeg.</summary>
    /// <param name="options">Output path, size, rate, format and encoder settings.</param>
    /// <returns>A writer ready for <see cref="WriteFrameAsync"/>; dispose it in every case.</returns>
    /// <exception cref="ArgumentException">Size, frame rate or encoder settings out of range.</exception>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadOutput"/> when the output folder is missing or not
    /// writable, or a PNG-sequence folder already holds files; <see cref="ExitCodes.Usage"/> for an unsupported extension
    /// or audio with a PNG format; <see cref="ExitCodes.BadInput"/> when the audio source is missing;
    /// <see cref="ExitCodes.Failure"/> when ffmpeg is not installed.</exception>
    public static VideoFrameWriter Create(VideoWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Height);
        if (!double.IsFinite(options.FrameRate) || options.FrameRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.FrameRate, "FrameRate must be a positive number");
        ArgumentNullException.ThrowIfNull(options.Encoder);
        options.Encoder.Validate();

        var format = options.Format;
        var profile = OutputProfile.For(format);
        if (options.AudioSourcePath is { } audio)
        {
            if (!OutputFormats.SupportsAudio(format))
                throw new SynthstageException($"output '{options.OutputPath}' is a {format} and cannot carry audio; write .mp4, .webm or .mov, or drop the audio source", ExitCodes.Usage);
            if (!File.Exists(audio))
                throw new SynthstageException($"audio source '{audio}' does not exist", ExitCodes.BadInput);
        }

        var ffmpeg = FfmpegTools.FfmpegPath;
        var target = OutputTarget.Prepare(options.OutputPath, format, needsVideoOnlyPass: options.AudioSourcePath is not null);
        try
        {
            var process = FfmpegProcess.Start(ffmpeg, BuildEncodeArguments(options, profile, target.EncodeUrl), redirectInput: true, redirectOutput: true);
            return new VideoFrameWriter(options, profile, target, process);
        }
        catch
        {
            target.DeleteTemporaries();
            throw;
        }
    }

    /// <summary>Sends one frame to the encoder.</summary>
    /// <param name="frame">Exactly <see cref="FrameSizeBytes"/> bytes of packed rows, top row first. Not retained.</param>
    /// <param name="ct">Cancels the write; dispose the writer afterwards to kill ffmpeg and delete the partial output.</param>
    /// <exception cref="ArgumentException">The frame has the wrong size.</exception>
    /// <exception cref="InvalidOperationException">The writer is completed, or a second frame is sent to a single PNG.</exception>
    /// <exception cref="SynthstageException">ffmpeg stopped (e.g. disk full: <see cref="ExitCodes.BadOutput"/>).</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_inputClosed) throw new InvalidOperationException("the writer is already completed");
        if (frame.Length != FrameSizeBytes)
            throw new ArgumentException($"a frame must be {FrameSizeBytes} bytes ({_options.Width}x{_options.Height} {_options.InputPixelFormat}); got {frame.Length}", nameof(frame));
        if (Format == OutputFormat.Png && FramesWritten == 1)
            throw new InvalidOperationException($"output '{_options.OutputPath}' is a single PNG and holds one frame; use a folder for a PNG sequence");
        ct.ThrowIfCancellationRequested();

        // Cancellation kills ffmpeg, which breaks a write blocked on a full pipe.
        using (_process.KillOnCancel(ct))
        {
            try
            {
                await _pipe.WriteAllAsync(frame).ConfigureAwait(false);
            }
            catch (IOException e) when (!ct.IsCancellationRequested)
            {
                // A broken pipe means ffmpeg has exited; its stderr says why.
                await WaitForEncoderAsync(CancellationToken.None).ConfigureAwait(false);
                throw EncoderFailed(e);
            }
            catch (IOException)
            {
                // Killed by the cancellation above.
            }
        }
        ct.ThrowIfCancellationRequested();
        FramesWritten++;
    }

    /// <summary>
    /// Finishes the output: closes ffmpeg's input, waits for it to flush, muxes the audio when asked, then renames the
    /// temporary output to <see cref="FinalPath"/> (replacing an existing file of that name).
    /// </summary>
    /// <param name="ct">Cancels finishing; dispose afterwards to remove the partial output.</param>
    /// <exception cref="SynthstageException">No frames were written, or ffmpeg failed (<see cref="ExitCodes.Failure"/>,
    /// or <see cref="ExitCodes.BadOutput"/> for a full disk or a failed rename).</exception>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) return;
        if (_inputClosed) throw new InvalidOperationException("CompleteAsync already failed; dispose the writer");
        if (FramesWritten == 0)
            throw new SynthstageException($"no frames were written to '{_options.OutputPath}'", ExitCodes.Failure);

        _inputClosed = true;
        _pipe.Dispose();
        try
        {
            await _stdin.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await WaitForEncoderAsync(CancellationToken.None).ConfigureAwait(false);
            throw EncoderFailed(e);
        }

        try
        {
            await WaitForEncoderAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            throw;
        }
        if (_process.ExitCode != 0) throw EncoderFailed(null);

        if (_options.AudioSourcePath is { } audioSource)
            await MuxAudioAsync(audioSource, ct).ConfigureAwait(false);

        ct.ThrowIfCancellationRequested();
        _target.Commit();
        _completed = true;
    }

    /// <summary>
    /// Releases ffmpeg. Without a successful <see cref="CompleteAsync"/> this kills ffmpeg and deletes the
    /// temporary output, leaving nothing under the final name.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        // Killed first (unless complete), so a write blocked on the pipe fails and the pipe thread can be joined.
        if (!_completed) _process.Kill();
        _pipe.Dispose();
        try
        {
            await _stdin.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Flushing into a killed process's pipe fails; the data is being discarded anyway.
        }
        await _process.DisposeAsync().ConfigureAwait(false);
        if (!_completed) _target.DeleteTemporaries();
    }

    private Task WaitForEncoderAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    private SynthstageException EncoderFailed(Exception? inner)
    {
        var detail = _process.FirstErrorLine;
        if (detail.Length == 0) detail = _process.HasExited ? $"ffmpeg exited with code {_process.ExitCode}" : "ffmpeg stopped reading frames";
        var exitCode = _process.FailedOnOutput ? ExitCodes.BadOutput : ExitCodes.Failure;
        return new SynthstageException($"writing '{_options.OutputPath}' failed: {detail}", exitCode, inner);
    }

    private async Task MuxAudioAsync(string audioSource, CancellationToken ct)
    {
        var streams = await MediaProbe.ProbeAudioAsync(audioSource, ct).ConfigureAwait(false);
        if (streams.Count == 0)
        {
            // A source without audio leaves the video as it is: just move the video-only pass into place.
            File.Move(_target.VideoOnlyPath!, _target.EncodeTargetOfMux, overwrite: true);
            return;
        }

        var duration = (FramesWritten / _options.FrameRate).ToString("R", CultureInfo.InvariantCulture);
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", FfmpegTools.FileUrl(_target.VideoOnlyPath!) };
        args.AddRange(["-t", duration, "-i", FfmpegTools.FileUrl(audioSource), "-map", "0:v:0", "-map", "1:a"]);
        args.AddRange(["-c:v", "copy"]);
        for (var i = 0; i < streams.Count; i++) args.AddRange(_profile.AudioStreamArguments(i, streams[i].Codec));
        args.AddRange(_profile.MuxerArguments());
        args.Add(FfmpegTools.FileUrl(_target.EncodeTargetOfMux));

        var result = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, args, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SynthstageException($"adding the audio of '{audioSource}' to '{_options.OutputPath}' failed: {result.FirstErrorLine}",
                result.StandardError.Contains("No space left", StringComparison.OrdinalIgnoreCase) ? ExitCodes.BadOutput : ExitCodes.Failure);
        File.Delete(_target.VideoOnlyPath!);
    }

    private static List<string> BuildEncodeArguments(VideoWriterOptions options, OutputProfile profile, string outputUrl)
    {
        var args = new List<string>
        {
            "-hide_banner", "-v", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", options.InputPixelFormat.FfmpegName(),
            "-s", $"{options.Width}x{options.Height}", "-r", FfmpegTools.FormatRate(options.FrameRate),
            "-i", "pipe:0", "-an", "-sn", "-dn",
        };
        args.AddRange(profile.VideoArguments(options.Encoder, options.InputPixelFormat, options.Width, options.Height));
        args.AddRange(profile.MuxerArguments());
        args.Add(outputUrl);
        return args;
    }
}
