using System.Globalization;
using System.Security.Cryptography;
using Synthstage.Media;

namespace Synthstage.Studio;

/// <summary>
/// Receives uploads into the data folder: streamed to a temporary file while hashed and counted against a size limit,
/// their type decided by probing the content with ffprobe (never by the name), a video checked for a truncated end,
/// then stored as <c>uploads/SHA256.EXT</c> — the same content uploaded twice is stored once.
/// </summary>
public sealed class ClipUploads(StudioDataFolder folder, long maxBytes)
{
    /// <summary>The largest upload accepted, in bytes.</summary>
    public long MaxBytes { get; } = maxBytes > 0 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "the upload limit must be positive");

    /// <summary>Stores <paramref name="content"/> and returns the clip it holds.</summary>
    /// <param name="content">The upload's bytes.</param>
    /// <param name="fileName">The name the browser gave it (only shown, never used as a path).</param>
    /// <param name="ct">Cancels the upload; the temporary file is removed.</param>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: empty, over the limit, not a video or
    /// image, or a video cut short.</exception>
    public async Task<StudioClip> SaveAsync(Stream content, string? fileName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = DisplayName(fileName);
        var temp = Path.Combine(folder.Work, "upload-" + Guid.NewGuid().ToString("N") + ".partial");
        try
        {
            var hash = await CopyCountedAsync(content, temp, name, ct).ConfigureAwait(false);
            VideoInfo info;
            try
            {
                info = await MediaProbe.ProbeAsync(temp, ct).ConfigureAwait(false);
            }
            catch (SynthstageException e) when (e.ExitCode == ExitCodes.BadInput)
            {
                throw new SynthstageException($"'{name}' is not a video or image Synthstage can read", ExitCodes.BadInput, e);
            }
            if (!info.IsStillImage) await CheckEndDecodesAsync(temp, info, name, ct).ConfigureAwait(false);
            var stored = Path.Combine(folder.Uploads, hash + ExtensionOf(info));
            if (File.Exists(stored)) File.Delete(temp);
            else File.Move(temp, stored);
            await File.WriteAllTextAsync(stored + ".name", name, ct).ConfigureAwait(false);
            var relative = folder.Relative(stored);
            return StudioClip.From(relative, name, await MediaProbe.ProbeAsync(stored, ct).ConfigureAwait(false));
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Stores audio that paces a walk (any file with an audio stream: WAV, MP3, M4A, or a video with sound), probed like a clip.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: empty, over the limit, not media, or without audio.</exception>
    public async Task<StudioAudio> SaveAudioAsync(Stream content, string? fileName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = DisplayName(fileName);
        var temp = Path.Combine(folder.Work, "upload-" + Guid.NewGuid().ToString("N") + ".partial");
        try
        {
            var hash = await CopyCountedAsync(content, temp, name, ct).ConfigureAwait(false);
            IReadOnlyList<AudioStreamInfo> streams;
            try
            {
                streams = await MediaProbe.ProbeAudioAsync(temp, ct).ConfigureAwait(false);
            }
            catch (SynthstageException e) when (e.ExitCode == ExitCodes.BadInput)
            {
                throw new SynthstageException($"'{name}' is not an audio file Synthstage can read", ExitCodes.BadInput, e);
            }
            if (streams.Count == 0) throw new SynthstageException($"'{name}' has no audio to pace the walk with", ExitCodes.BadInput);
            // Not a clip extension, so the clip page never lists it; ffmpeg reads it by content.
            var stored = Path.Combine(folder.Uploads, hash + ".audio");
            if (File.Exists(stored)) File.Delete(temp);
            else File.Move(temp, stored);
            await File.WriteAllTextAsync(stored + ".name", name, ct).ConfigureAwait(false);
            var first = streams[0];
            return new StudioAudio(folder.Relative(stored), name, first.Codec, first.SampleRate, first.Channels);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The name shown for an uploaded file: its own name when it has one, else its stored name.</summary>
    public static string NameOf(string storedPath) =>
        File.Exists(storedPath + ".name") ? File.ReadAllText(storedPath + ".name").Trim() : Path.GetFileName(storedPath);

    private async Task<string> CopyCountedAsync(Stream content, string temp, string name, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            int read;
            while ((read = await content.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxBytes)
                    throw new SynthstageException($"'{name}' is larger than the upload limit of {Megabytes(MaxBytes)} (start the studio with --max-upload-mb to raise it)", ExitCodes.BadInput);
                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        if (total == 0) throw new SynthstageException($"'{name}' is empty (0 bytes)", ExitCodes.BadInput);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // A file cut off mid-transfer often still probes (the index sits at the front) but its last second has no frames left
    // to decode: ffmpeg then prints nothing, so the frames of that second are counted (framecrc: one line per frame).
    private static async Task CheckEndDecodesAsync(string path, VideoInfo info, string name, CancellationToken ct)
    {
        var start = Math.Max(0, info.Duration.TotalSeconds - 1);
        var result = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath,
            ["-nostdin", "-v", "error", "-ss", start.ToString("R", CultureInfo.InvariantCulture), "-i", FfmpegTools.FileUrl(path),
             "-map", "0:v:0", "-f", "framecrc", "-"], ct).ConfigureAwait(false);
        var frames = result.StandardOutput.Split('\n').Count(line => line.Length > 0 && !line.StartsWith('#'));
        if (result.ExitCode != 0 || frames == 0)
            throw new SynthstageException($"'{name}' is truncated or damaged: its last second does not decode (was the upload or copy cut short?)", ExitCodes.BadInput);
    }

    private static string ExtensionOf(VideoInfo info) => info.VideoCodec switch
    {
        _ when !info.IsStillImage && info.ContainerFormat.Contains("mp4", StringComparison.Ordinal) => ".mp4",
        _ when !info.IsStillImage && info.ContainerFormat.Contains("webm", StringComparison.Ordinal) && info.VideoCodec is "vp8" or "vp9" or "av1" => ".webm",
        _ when !info.IsStillImage && info.ContainerFormat.Contains("matroska", StringComparison.Ordinal) => ".mkv",
        _ when !info.IsStillImage && info.ContainerFormat.Contains("avi", StringComparison.Ordinal) => ".avi",
        _ when !info.IsStillImage => ".video",
        "png" => ".png",
        "mjpeg" => ".jpg",
        "webp" => ".webp",
        "bmp" => ".bmp",
        "gif" => ".gif",
        _ => ".image",
    };

    private static string DisplayName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c))]).Trim();
        return name.Length == 0 ? "upload" : name.Length > 120 ? name[..120] : name;
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}
