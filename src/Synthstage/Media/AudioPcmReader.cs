using System.Globalization;
using System.Runtime.InteropServices;

namespace Synthstage.Media;

/// <summary>
/// Decodes the first audio stream of any file ffmpeg reads to mono float32 PCM at a chosen sample rate, streamed
/// through a pipe (memory does not grow with the file's length).
/// </summary>
/// <remarks>
/// ffmpeg mixes all channels down (<c>-ac 1</c>) and resamples (<c>-ar</c>); samples are about −1..1. Decoding starts
/// at <c>startSeconds</c> (sample-accurate: ffmpeg decodes from the previous seek point and drops what comes before).
/// Not thread-safe.
/// </remarks>
public sealed class AudioPcmReader : IAsyncDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private readonly FfmpegProcess _process;
    private readonly BlockingPipe _pipe;
    private readonly byte[] _chunk = new byte[ChunkBytes];
    private readonly string _path;
    private int _chunkStart;
    private int _chunkEnd;
    private bool _ended;

    private AudioPcmReader(FfmpegProcess process, string path, int sampleRate)
    {
        _process = process;
        _path = path;
        SampleRate = sampleRate;
        _pipe = new BlockingPipe(process.StandardOutput, "synthstage ffmpeg audio reader");
    }

    /// <summary>Samples per second of the PCM returned.</summary>
    public int SampleRate { get; }

    /// <summary>Samples returned so far.</summary>
    public long SamplesRead { get; private set; }

    /// <summary>Checks that <paramref name="path"/> has an audio stream and starts decoding it.</summary>
    /// <param name="path">Any media file with audio (WAV, MP3, M4A, a video with sound …).</param>
    /// <param name="sampleRate">Output samples per second, e.g. 22050.</param>
    /// <param name="startSeconds">Where to start in the file, ≥ 0.</param>
    /// <param name="durationSeconds">Stop after this many seconds, or null for the rest of the file.</param>
    /// <param name="ct">Cancels the probe.</param>
    /// <returns>A reader; dispose it in every case.</returns>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadInput"/> when the file is missing, not media or has no
    /// audio stream; <see cref="ExitCodes.Failure"/> when ffmpeg is not installed.</exception>
    public static async Task<AudioPcmReader> OpenAsync(string path, int sampleRate, double startSeconds = 0, double? durationSeconds = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1000);
        if (!double.IsFinite(startSeconds) || startSeconds < 0) throw new ArgumentOutOfRangeException(nameof(startSeconds), startSeconds, "must be ≥ 0");
        if (!File.Exists(path)) throw new SynthstageException($"audio file '{path}' does not exist", ExitCodes.BadInput);
        var streams = await MediaProbe.ProbeAudioAsync(path, ct).ConfigureAwait(false);
        if (streams.Count == 0) throw new SynthstageException($"'{path}' has no audio stream", ExitCodes.BadInput);

        var inv = CultureInfo.InvariantCulture;
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error" };
        if (startSeconds > 0) args.AddRange(["-ss", startSeconds.ToString("R", inv)]);
        if (durationSeconds is { } d) args.AddRange(["-t", d.ToString("R", inv)]);
        args.AddRange(["-i", FfmpegTools.FileUrl(path), "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-ac", "1", "-ar", sampleRate.ToString(inv), "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]);
        return new AudioPcmReader(FfmpegProcess.Start(FfmpegTools.FfmpegPath, args, redirectInput: false, redirectOutput: true), path, sampleRate);
    }

    /// <summary>Reads the next samples.</summary>
    /// <param name="destination">Receives up to its length in samples.</param>
    /// <param name="ct">Cancels the read and kills ffmpeg.</param>
    /// <returns>Samples written; fewer than asked only at the end, 0 once the stream has ended.</returns>
    /// <exception cref="SynthstageException">ffmpeg failed to decode the file.</exception>
    public async ValueTask<int> ReadAsync(Memory<float> destination, CancellationToken ct = default)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (_chunkEnd - _chunkStart < sizeof(float))
            {
                if (_ended) break;
                await FillAsync(ct).ConfigureAwait(false);
                continue;
            }
            var available = (_chunkEnd - _chunkStart) / sizeof(float);
            var take = Math.Min(available, destination.Length - written);
            MemoryMarshal.Cast<byte, float>(_chunk.AsSpan(_chunkStart, take * sizeof(float))).CopyTo(destination.Span[written..]);
            _chunkStart += take * sizeof(float);
            written += take;
        }
        SamplesRead += written;
        return written;
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        // Keep a partial sample (fewer than 4 bytes) at the front; pipes may split a float.
        var rest = _chunkEnd - _chunkStart;
        _chunk.AsSpan(_chunkStart, rest).CopyTo(_chunk);
        _chunkStart = 0;
        _chunkEnd = rest;
        int read;
        using (_process.KillOnCancel(ct))
            read = await _pipe.ReadExactlyOrToEndAsync(_chunk.AsMemory(rest, ChunkBytes - rest)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        _chunkEnd += read;
        if (read < ChunkBytes - rest)
        {
            _ended = true;
            await _process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (_process.ExitCode != 0)
                throw new SynthstageException($"decoding the audio of '{_path}' failed: {_process.FirstErrorLine}", ExitCodes.BadInput);
        }
    }

    /// <summary>Stops ffmpeg if it is still running and releases the pipe.</summary>
    public async ValueTask DisposeAsync()
    {
        // Killed first, so the pipe thread's blocked read ends and the thread can be joined.
        _process.Kill();
        _pipe.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
