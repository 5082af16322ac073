using System.Globalization;
using System.Text.Json;

namespace Synthstage.Media;

/// <summary>Reads the facts about a video or image file that the rest of Synthstage needs, with ffprobe.</summary>
public static class MediaProbe
{
    // Demuxers that read one picture per file; "image2" is ffmpeg's generic image demuxer.
    private static readonly string[] StillImageCodecs = ["png", "mjpeg", "webp", "bmp", "tiff", "gif", "jpegls", "jpeg2000", "ppm", "pgm", "pam", "qoi"];

    /// <summary>Probes <paramref name="path"/> with <c>ffprobe -show_streams -show_format</c>.</summary>
    /// <param name="path">A video file or a still image (PNG, JPEG, WebP, ...).</param>
    /// <param name="ct">Cancels the probe and kills ffprobe.</param>
    /// <returns>The first video stream's facts (attached cover pictures are skipped) and all audio streams.</returns>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/> when the file is missing,
    /// unreadable, empty, not a video or image, has no video stream or no frames; the message names the file.
    /// With <see cref="ExitCodes.Failure"/> when ffprobe is not installed.</exception>
    public static async Task<VideoInfo> ProbeAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        CheckReadable(path, fullPath);

        var json = await RunFfprobeAsync(path, fullPath, ct).ConfigureAwait(false);
        try
        {
            return Parse(path, fullPath, json);
        }
        catch (JsonException e)
        {
            throw new SynthstageException($"input '{path}': ffprobe printed unreadable JSON ({e.Message})", ExitCodes.BadInput, e);
        }
    }

    /// <summary>Lists the audio streams of any media file, including audio-only files (WAV, M4A, MP3).</summary>
    /// <param name="path">The media file.</param>
    /// <param name="ct">Cancels the probe and kills ffprobe.</param>
    /// <returns>The audio streams in container order; empty when the file has none.</returns>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/> when the file is missing,
    /// unreadable, empty or not a media file.</exception>
    public static async Task<IReadOnlyList<AudioStreamInfo>> ProbeAudioAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        CheckReadable(path, fullPath);
        var json = await RunFfprobeAsync(path, fullPath, ct).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(json);
            var audio = new List<AudioStreamInfo>();
            if (document.RootElement.TryGetProperty("streams", out var streams))
                foreach (var stream in streams.EnumerateArray())
                    if (GetString(stream, "codec_type") == "audio")
                        audio.Add(ReadAudio(stream));
            return audio;
        }
        catch (JsonException e)
        {
            throw new SynthstageException($"input '{path}': ffprobe printed unreadable JSON ({e.Message})", ExitCodes.BadInput, e);
        }
    }

    private static async Task<string> RunFfprobeAsync(string path, string fullPath, CancellationToken ct)
    {
        var result = await FfmpegTools.RunAsync(FfmpegTools.FfprobePath,
            ["-v", "error", "-print_format", "json", "-show_program_version", "-show_streams", "-show_format", FfmpegTools.FileUrl(fullPath)], ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw BadInput(path, $"is not a video or image ffmpeg can read ({Shorten(result.FirstErrorLine.Replace(fullPath + ": ", "", StringComparison.Ordinal))})");
        NoteProgramVersion(result.StandardOutput);
        return result.StandardOutput;
    }

    private static void NoteProgramVersion(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("program_version", out var program) && GetString(program, "version") is { Length: > 0 } version)
                FfmpegTools.NoteProbedVersion(version);
        }
        catch (JsonException)
        {
            // Parse reports unreadable output to the caller; the version is only a shortcut.
        }
    }

    private static AudioStreamInfo ReadAudio(JsonElement stream) =>
        new(GetInt(stream, "index"), GetString(stream, "codec_name"), GetInt(stream, "sample_rate"), GetInt(stream, "channels"));

    private static void CheckReadable(string path, string fullPath)
    {
        if (Directory.Exists(fullPath)) throw BadInput(path, "is a folder, not a video or image file");
        if (!File.Exists(fullPath)) throw BadInput(path, "does not exist");
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (stream.Length == 0) throw BadInput(path, "is empty (0 bytes)");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new SynthstageException($"input '{path}' cannot be read: {e.Message}", ExitCodes.BadInput, e);
        }
    }

    private static VideoInfo Parse(string path, string fullPath, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var format = root.TryGetProperty("format", out var f) ? f : default;
        var formatName = GetString(format, "format_name");

        JsonElement? video = null;
        var audio = new List<AudioStreamInfo>();
        if (root.TryGetProperty("streams", out var streams))
            foreach (var stream in streams.EnumerateArray())
            {
                var type = GetString(stream, "codec_type");
                if (type == "video" && video is null && !IsAttachedPicture(stream) && GetString(stream, "codec_name") != "ansi")
                    video = stream;
                else if (type == "audio")
                    audio.Add(ReadAudio(stream));
            }

        // The tty demuxer turns any text file into an "ansi" video stream; that is not a video.
        if (formatName == "tty") throw BadInput(path, "is a text file, not a video or image");
        if (video is not { } v) throw BadInput(path, "has no video stream");

        var width = GetInt(v, "width");
        var height = GetInt(v, "height");
        if (width <= 0 || height <= 0) throw BadInput(path, "has a video stream without a frame size");

        var codec = GetString(v, "codec_name");
        var averageRate = ParseRational(GetString(v, "avg_frame_rate"));
        var baseRate = ParseRational(GetString(v, "r_frame_rate"));
        var frameRate = averageRate > 0 ? averageRate : baseRate;
        var isVariable = averageRate > 0 && baseRate > 0 && Math.Abs(averageRate - baseRate) > 1e-3 * baseRate;

        var isStill = IsStillImageFormat(formatName, codec, GetInt(v, "nb_frames"));
        var durationSeconds = ParseDouble(GetString(v, "duration"));
        if (durationSeconds <= 0) durationSeconds = ParseDouble(GetString(format, "duration"));

        int frameCount;
        bool exact;
        if (isStill)
        {
            (frameCount, exact, durationSeconds) = (1, true, 0);
        }
        else if (GetString(v, "nb_frames") is { Length: > 0 } nbFrames && int.TryParse(nbFrames, CultureInfo.InvariantCulture, out var n))
        {
            (frameCount, exact) = (n, true);
            if (n == 0) throw BadInput(path, "has no video frames");
        }
        else
        {
            frameCount = durationSeconds > 0 && frameRate > 0 ? Math.Max(1, (int)Math.Round(durationSeconds * frameRate)) : 0;
            exact = false;
        }

        var pixelFormat = GetString(v, "pix_fmt");
        return new VideoInfo(fullPath, width, height, frameRate, isVariable && !isStill, frameCount,
            TimeSpan.FromSeconds(Math.Max(0, durationSeconds)), ReadRotation(v), codec, isStill, audio)
        {
            FrameCountIsExact = exact,
            HasAlpha = HasAlphaChannel(v, pixelFormat),
            PixelFormat = pixelFormat,
            ContainerFormat = formatName,
            VideoStreamIndex = GetInt(v, "index"),
        };
    }

    private static bool IsStillImageFormat(string formatName, string codec, int nbFrames) =>
        formatName == "image2" || formatName.EndsWith("_pipe", StringComparison.Ordinal)
        || (formatName is "webp" or "png" or "apng" && nbFrames <= 1 && StillImageCodecs.Contains(codec));

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var a)
        && a.ValueKind == JsonValueKind.Number && a.GetInt32() == 1;

    /// <summary>Clockwise display rotation. ffprobe's display-matrix "rotation" is counter-clockwise
    /// (av_display_rotation_get), the legacy "rotate" tag is clockwise.</summary>
    private static int ReadRotation(JsonElement stream)
    {
        if (stream.TryGetProperty("side_data_list", out var sideData))
            foreach (var item in sideData.EnumerateArray())
                if (item.TryGetProperty("rotation", out var r) && r.ValueKind == JsonValueKind.Number)
                    return NormalizeRotation(-r.GetDouble());
        if (stream.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var tag)
            && double.TryParse(tag.GetString(), CultureInfo.InvariantCulture, out var degrees))
            return NormalizeRotation(degrees);
        return 0;
    }

    private static int NormalizeRotation(double degrees)
    {
        var quarterTurns = (int)Math.Round(degrees / 90.0);
        return ((quarterTurns % 4) + 4) % 4 * 90;
    }

    private static bool HasAlphaChannel(JsonElement stream, string pixelFormat)
    {
        if (stream.TryGetProperty("tags", out var tags))
            foreach (var tag in tags.EnumerateObject())
                if (tag.Name.Equals("alpha_mode", StringComparison.OrdinalIgnoreCase) && tag.Value.GetString() == "1")
                    return true;
        // yuva420p, rgba, argb, bgra, gbrap, ya8, pal8 (palette may hold transparency) ...
        return pixelFormat.StartsWith("yuva", StringComparison.Ordinal) || pixelFormat.StartsWith("ya", StringComparison.Ordinal)
            || pixelFormat.Contains("rgba", StringComparison.Ordinal) || pixelFormat.Contains("argb", StringComparison.Ordinal)
            || pixelFormat.Contains("bgra", StringComparison.Ordinal) || pixelFormat.Contains("abgr", StringComparison.Ordinal)
            || pixelFormat.StartsWith("gbrap", StringComparison.Ordinal) || pixelFormat == "pal8";
    }

    private static double ParseRational(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0) return ParseDouble(text);
        var numerator = ParseDouble(text[..slash]);
        var denominator = ParseDouble(text[(slash + 1)..]);
        return denominator > 0 ? numerator / denominator : 0;
    }

    private static double ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : 0;

    private static string GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Number => value.GetRawText(),
                _ => "",
            }
            : "";

    private static int GetInt(JsonElement element, string name) =>
        int.TryParse(GetString(element, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string Shorten(string line) =>
        line.Length == 0 ? "no details from ffprobe" : line.Length > 200 ? line[..200] + "…" : line;

    private static SynthstageException BadInput(string path, string problem) =>
        new($"input '{path}' {problem}", ExitCodes.BadInput);
}
