using System.Globalization;
using System.Text.Json.Nodes;
using Synthstage.Media;

namespace Synthstage.Video.Resume;

/// <summary>
/// A video written in fixed-size parts so that a run stopped at any point (crash, SIGKILL, Ctrl+C) can be continued
/// by the same command without redoing finished frames, and ends with the same bytes as an uninterrupted run.
/// </summary>
/// <remarks>
/// <para>Beside <c>OUT</c> it keeps <c>OUT.resume.json</c> (the run's parameters and the frame count of every finished
/// part) and the folder <c>OUT.parts/</c>: <c>part-00000.mp4</c>, … each encoded by its own ffmpeg from exactly
/// <see cref="ResumableVideoOptions.ChunkFrames"/> frames, and <c>pending-NNNNN.rgb</c>, the raw frames of the part
/// being encoded. Every frame is appended to that file before it goes to the encoder, so frames rendered after the last
/// finished part survive a crash too; a resumed run replays them into a fresh encoder. Part boundaries never depend on
/// where a run stopped, and the encoder is deterministic for the same input, so the parts — and the joined output —
/// are the same bytes either way.</para>
/// <para><see cref="CompleteAsync"/> joins the parts with ffmpeg's concat demuxer (stream copy), muxes the audio span
/// if asked, writes under a temporary name, renames it to the output, then deletes the parts and the state.</para>
/// <para>Not thread-safe: write from one task at a time.</para>
/// </remarks>
public sealed class ResumableVideoOutput : IFrameOutput
{
    private readonly ResumableVideoOptions _options;
    private readonly ResumeState _state;
    private readonly string _finalPath;
    private readonly string _statePath;
    private readonly string _partsFolder;
    private readonly string _extension;
    private readonly int _frameBytes;
    private VideoFrameWriter? _writer;
    private FileStream? _pending;
    private int _pendingFrames;
    private bool _completed;

    private ResumableVideoOutput(ResumableVideoOptions options, ResumeState state, string finalPath, bool resumed)
    {
        _options = options;
        _state = state;
        _finalPath = finalPath;
        _statePath = StatePathOf(finalPath);
        _partsFolder = finalPath + ".parts";
        _extension = Path.GetExtension(finalPath);
        _frameBytes = checked(options.Width * options.Height * 3);
        Resumed = resumed;
    }

    /// <summary>The state file kept beside an output until it is complete.</summary>
    public static string StatePathOf(string outputPath) => Path.GetFullPath(outputPath) + ".resume.json";

    /// <summary>Frames already stored by this or an earlier run: the caller renders frame <see cref="FramesDone"/> next.</summary>
    public int FramesDone => _state.FramesInParts + _pendingFrames;

    /// <summary>True when an earlier run's state was found and is being continued.</summary>
    public bool Resumed { get; }

    /// <summary>A random 128-bit id of this run (32 lowercase hex digits), the same when the run is resumed; outputs use it as their content id.</summary>
    public string RunId => _state.RunId;

    /// <summary>The run id: frames of a resumed output carry the id of its first run.</summary>
    string? IFrameOutput.ContentId => RunId;

    /// <summary>The final output path.</summary>
    public string FinalPath => _finalPath;

    /// <summary>Bytes of one frame (packed RGB24).</summary>
    public int FrameSizeBytes => _frameBytes;

    /// <summary>
    /// Opens the output: continues the run recorded beside it when its parameters equal these, starts afresh when there
    /// is none (or <see cref="ResumableVideoOptions.Restart"/>), and refuses otherwise.
    /// </summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadOutput"/>: the folder is missing or the state damaged;
    /// <see cref="ExitCodes.Usage"/>: the state holds a run with other parameters (the message lists them), or the output is not a video file.</exception>
    public static async Task<ResumableVideoOutput> OpenAsync(ResumableVideoOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkFrames, 1);
        var finalPath = CheckOutput(options.OutputPath, options.Encoder, out var format);
        var parameters = EffectiveParameters(options);
        var statePath = StatePathOf(finalPath);
        var partsFolder = finalPath + ".parts";

        ResumeState? state = null;
        if (File.Exists(statePath))
        {
            ResumeState? previous = null;
            try
            {
                previous = ResumeState.Read(statePath);
            }
            catch (SynthstageException) when (options.Restart)
            {
                // Damaged and asked to restart: discard it below.
            }
            if (previous is not null && JsonNode.DeepEquals(previous.Parameters, parameters)) state = previous;
            else if (!options.Restart)
                throw new SynthstageException(
                    $"'{statePath}' holds an unfinished run of '{Path.GetFileName(finalPath)}' with other parameters " +
                    $"({string.Join("; ", ResumeState.Differences(previous!.Parameters, parameters).Take(4))}); " +
                    "repeat the original command to continue it, or restart (--restart) to discard it", ExitCodes.Usage);
        }
        var resumed = state is not null;
        if (state is null)
        {
            if (Directory.Exists(partsFolder)) Directory.Delete(partsFolder, recursive: true);
            state = new ResumeState(parameters, []);
        }
        Directory.CreateDirectory(partsFolder);
        state.Write(statePath);

        var output = new ResumableVideoOutput(options, state, finalPath, resumed);
        try
        {
            output.RemoveStrayFiles();
            await output.ReplayPendingAsync(ct).ConfigureAwait(false);
            return output;
        }
        catch
        {
            await output.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stores one frame: appended to the pending file, then sent to the current part's encoder.</summary>
    /// <param name="frame">Width × height × 3 bytes, RGB, rows top first. Not retained.</param>
    /// <param name="ct">Cancels the write; the frames stored so far stay resumable.</param>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default)
    {
        if (_completed) throw new InvalidOperationException("the output is already complete");
        if (frame.Length != _frameBytes) throw new ArgumentException($"a frame must be {_frameBytes} bytes; got {frame.Length}", nameof(frame));
        ct.ThrowIfCancellationRequested();
        if (_options.KeepPendingFrames)
        {
            _pending ??= new FileStream(PendingPath(_state.Parts.Count), FileMode.Append, FileAccess.Write, FileShare.Read, 1);
            _pending.Write(frame.Span);
            _pending.Flush();
        }
        _pendingFrames++;
        _writer ??= StartPart(_state.Parts.Count);
        await _writer.WriteFrameAsync(frame, ct).ConfigureAwait(false);
        if (_pendingFrames == _options.ChunkFrames) await FinishPartAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Finishes the last part, joins all parts (and the audio span) into the output, and removes the state and parts.</summary>
    /// <returns>The final path.</returns>
    /// <exception cref="SynthstageException">No frames were written, or ffmpeg failed to join or mux.</exception>
    public async Task<string> CompleteAsync(CancellationToken ct = default)
    {
        if (_completed) return _finalPath;
        if (_pendingFrames > 0) await FinishPartAsync(ct).ConfigureAwait(false);
        if (_state.Parts.Count == 0) throw new SynthstageException($"no frames were written to '{_finalPath}'", ExitCodes.Failure);

        await JoinAsync(Enumerable.Range(0, _state.Parts.Count).Select(i => (PartPath(i), _state.Parts[i])).ToList(), _options.FrameRate,
            _options.Audio, _finalPath, _partsFolder, ct).ConfigureAwait(false);
        _completed = true;
        Directory.Delete(_partsFolder, recursive: true);
        File.Delete(_statePath);
        return _finalPath;
    }

    /// <summary>
    /// Stops the current encoder. Unless complete, the state, the finished parts and the pending frames stay for the next
    /// run; when no frame was stored at all there is nothing to resume, and the state and parts folder are removed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
        _writer = null;
        if (_pending is not null) await _pending.DisposeAsync().ConfigureAwait(false);
        _pending = null;
        if (!_completed && FramesDone == 0)
        {
            if (Directory.Exists(_partsFolder)) Directory.Delete(_partsFolder, recursive: true);
            File.Delete(_statePath);
        }
    }

    private static string CheckOutput(string outputPath, EncoderSettings encoder, out OutputFormat format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        ArgumentNullException.ThrowIfNull(encoder);
        encoder.Validate();
        var full = Path.GetFullPath(outputPath);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new SynthstageException($"output folder '{folder}' does not exist", ExitCodes.BadOutput);
        format = OutputFormats.FromPath(outputPath);
        if (format is not (OutputFormat.Mp4 or OutputFormat.WebM or OutputFormat.ProRes))
            throw new SynthstageException($"output '{outputPath}' must be a video file (.mp4, .webm or .mov)", ExitCodes.Usage);
        if (encoder.Format is { } asked && asked != format)
            throw new SynthstageException($"a resumable output writes the format its extension names; {asked.ToString().ToLowerInvariant()} does not match '{outputPath}'", ExitCodes.Usage);
        return full;
    }

    /// <summary>Validates an output path and its encoder settings as <see cref="OpenAsync"/> will, without touching anything.</summary>
    /// <exception cref="SynthstageException">The folder is missing, the path is not a video file, an encoder setting is
    /// out of range, or the settings name another format than the extension.</exception>
    public static void CheckOutputPath(string outputPath, EncoderSettings? encoder = null) => CheckOutput(outputPath, encoder ?? EncoderSettings.Default, out _);

    private static JsonObject EffectiveParameters(ResumableVideoOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var parameters = (JsonObject)options.Parameters.DeepClone();
        var output = new JsonObject
        {
            ["width"] = options.Width,
            ["height"] = options.Height,
            ["fps"] = options.FrameRate.ToString("R", inv),
            ["chunkFrames"] = options.ChunkFrames,
            ["audio"] = options.Audio is { } a ? Path.GetFullPath(a.SourcePath) : null,
            ["audioStart"] = options.Audio?.StartSeconds.ToString("R", inv),
            ["padAudio"] = options.Audio?.PadWithSilence,
            ["copyAudio"] = options.Audio?.CopyStreams,
        };
        // The encoder as its one description names it, so the key lists the same settings as a keyed render's manifest.
        foreach (var setting in SettingsWriter.Collect(options.Encoder)) output[setting.Name] = setting.Value;
        parameters["output"] = output;
        return parameters;
    }

    private string PartPath(int index) => Path.Combine(_partsFolder, $"part-{index:D5}{_extension}");

    private string PendingPath(int index) => Path.Combine(_partsFolder, $"pending-{index:D5}.rgb");

    // Parts past the recorded count (renamed just before a crash), pending files of other parts, encoder temporaries.
    private void RemoveStrayFiles()
    {
        var keep = new HashSet<string>(Enumerable.Range(0, _state.Parts.Count).Select(PartPath)) { PendingPath(_state.Parts.Count) };
        for (var i = 0; i < _state.Parts.Count; i++)
            if (!File.Exists(PartPath(i)))
                throw new SynthstageException($"'{PartPath(i)}' is missing though '{_statePath}' records it; restart the output (--restart)", ExitCodes.BadOutput);
        foreach (var entry in Directory.EnumerateFileSystemEntries(_partsFolder))
        {
            if (keep.Contains(entry)) continue;
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    // Frames rendered after the last finished part: drop a torn last frame, then feed them to a fresh encoder.
    private async Task ReplayPendingAsync(CancellationToken ct)
    {
        var path = PendingPath(_state.Parts.Count);
        if (!File.Exists(path)) return;
        var frames = (int)Math.Min(new FileInfo(path).Length / _frameBytes, _options.ChunkFrames);
        await using (var trim = new FileStream(path, FileMode.Open, FileAccess.Write)) trim.SetLength((long)frames * _frameBytes);
        if (frames == 0) return;
        var buffer = new byte[_frameBytes];
        _writer = StartPart(_state.Parts.Count);
        await using (var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            for (var i = 0; i < frames; i++)
            {
                read.ReadExactly(buffer);
                await _writer.WriteFrameAsync(buffer, ct).ConfigureAwait(false);
            }
        }
        _pendingFrames = frames;
        if (_pendingFrames == _options.ChunkFrames) await FinishPartAsync(ct).ConfigureAwait(false);
    }

    // A part has the output's extension, so the encoder settings pick the output's format for it as they are.
    private VideoFrameWriter StartPart(int index) => VideoFrameWriter.Create(new VideoWriterOptions(PartPath(index), _options.Width, _options.Height, _options.FrameRate)
    {
        Encoder = _options.Encoder,
    });

    private async Task FinishPartAsync(CancellationToken ct)
    {
        var index = _state.Parts.Count;
        await _writer!.CompleteAsync(ct).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _writer = null;
        _state.Parts.Add(_pendingFrames);
        _state.Write(_statePath);
        _pendingFrames = 0;
        if (_pending is not null) await _pending.DisposeAsync().ConfigureAwait(false);
        _pending = null;
        File.Delete(PendingPath(index));
    }

    /// <summary>
    /// Joins video files encoded with identical settings (each starting on a key frame) into <paramref name="finalPath"/>
    /// by stream copy — the concat demuxer, each part's exact duration — muxing <paramref name="audio"/>'s span once;
    /// written under a temporary name and renamed.
    /// </summary>
    /// <param name="parts">The files in order, with their frame counts.</param>
    /// <param name="frameRate">Frames per second of every part.</param>
    /// <param name="audio">Audio to mux, or null.</param>
    /// <param name="finalPath">The joined file; its extension names the format.</param>
    /// <param name="listFolder">Where the concat list is written (beside the parts).</param>
    /// <param name="ct">Stops ffmpeg; nothing is left under the final name.</param>
    /// <exception cref="SynthstageException">ffmpeg failed to join or mux (<see cref="ExitCodes.BadOutput"/> when the disk is full).</exception>
    internal static async Task JoinAsync(IReadOnlyList<(string Path, int Frames)> parts, double frameRate, ResumableAudio? audio, string finalPath,
        string listFolder, CancellationToken ct)
    {
        IReadOnlyList<string> audioCodecs = [];
        if (audio is { CopyStreams: true } copy)
            audioCodecs = (await MediaProbe.ProbeAudioAsync(copy.SourcePath, ct).ConfigureAwait(false)).Select(a => a.Codec).ToList();
        var list = Path.Combine(listFolder, $"parts-{Guid.NewGuid():N}.txt");
        // Each part's exact duration: without it the concat demuxer's rounding at the joins shifts the average frame rate (29.97 → 29.963).
        await File.WriteAllLinesAsync(list, parts.SelectMany(part => new[]
        {
            $"file '{part.Path.Replace("'", "'\\''", StringComparison.Ordinal)}'",
            "duration " + (part.Frames / frameRate).ToString("R", CultureInfo.InvariantCulture),
        }), ct).ConfigureAwait(false);
        var extension = Path.GetExtension(finalPath);
        var temp = Path.Combine(Path.GetDirectoryName(finalPath)!, $".{Path.GetFileName(finalPath)}.{Guid.NewGuid():N}.partial{extension}");
        try
        {
            var frames = parts.Sum(p => p.Frames);
            var arguments = JoinArguments(list, temp, frames, frameRate, OutputFormats.FromPath(finalPath), audio, audioCodecs);
            var result = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, arguments, ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
                throw new SynthstageException($"joining the parts of '{finalPath}' failed: {FfmpegTools.CleanMessage(result.FirstErrorLine)}",
                    result.StandardError.Contains("No space left", StringComparison.OrdinalIgnoreCase) ? ExitCodes.BadOutput : ExitCodes.Failure);
            File.Move(temp, finalPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            File.Delete(list);
        }
    }

    private static List<string> JoinArguments(string list, string target, int frames, double frameRate, OutputFormat format, ResumableAudio? audio,
        IReadOnlyList<string> audioCodecs)
    {
        var inv = CultureInfo.InvariantCulture;
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", FfmpegTools.FileUrl(list) };
        var duration = (frames / frameRate).ToString("R", inv);
        var profile = OutputProfile.For(format);
        if (audio is { CopyStreams: true } copied && audioCodecs.Count > 0)
        {
            args.AddRange(["-t", duration, "-i", FfmpegTools.FileUrl(copied.SourcePath), "-map", "0:v:0", "-map", "1:a", "-c:v", "copy"]);
            for (var i = 0; i < audioCodecs.Count; i++) args.AddRange(profile.AudioStreamArguments(i, audioCodecs[i]));
        }
        else if (audio is { CopyStreams: false })
        {
            if (audio.StartSeconds > 0) args.AddRange(["-ss", audio.StartSeconds.ToString("R", inv)]);
            args.AddRange(["-t", duration, "-i", FfmpegTools.FileUrl(audio.SourcePath), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy"]);
            args.AddRange(profile.AudioReencodeArguments());
            if (audio.PadWithSilence) args.AddRange(["-af", $"apad=whole_dur={duration}"]);
        }
        else
        {
            args.AddRange(["-map", "0:v:0", "-c:v", "copy"]);
        }
        args.AddRange(profile.MuxerArguments());
        args.Add(FfmpegTools.FileUrl(target));
        return args;
    }
}
