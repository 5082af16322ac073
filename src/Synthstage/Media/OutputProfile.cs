using System.Globalization;

namespace Synthstage.Media;

/// <summary>
/// Everything the library knows about writing one <see cref="OutputFormat"/> with ffmpeg: the video encoder and its
/// arguments, the muxer and its flags (including how container tags are written), which audio codecs are stream-copied
/// and what the others are re-encoded to. The plain writer (<see cref="VideoFrameWriter"/>), its audio mux, the
/// resumable output's join and the manifest embedding all take their arguments from here, so they cannot disagree.
/// </summary>
/// <remarks>One sealed subclass per format; <see cref="For"/> is the only place that maps a format to its profile.</remarks>
internal abstract class OutputProfile
{
    private static readonly OutputProfile[] Profiles =
        [new Mp4Profile(), new WebMProfile(), new ProResProfile(), new PngSequenceProfile(), new PngProfile()];

    /// <summary>The profile of <paramref name="format"/>.</summary>
    public static OutputProfile For(OutputFormat format) =>
        Array.Find(Profiles, p => p.Format == format) ?? throw new ArgumentOutOfRangeException(nameof(format), format, "unknown output format");

    /// <summary>The format this profile writes.</summary>
    public abstract OutputFormat Format { get; }

    /// <summary>The ffmpeg video encoder, e.g. <c>libx264</c> (named in progress and timings).</summary>
    public abstract string VideoEncoder { get; }

    /// <summary>The encoder as a person tuning speed wants it named: <see cref="VideoEncoder"/> and the setting that sets its
    /// speed, such as <c>libx264 veryfast</c> or <c>libvpx-vp9 realtime</c>.</summary>
    /// <param name="settings">The settings the encoder runs with.</param>
    public virtual string DescribeEncoder(EncoderSettings settings) => VideoEncoder;

    /// <summary>Audio codecs (ffprobe names) the container takes as they are; empty when it carries no audio.</summary>
    public virtual IReadOnlyList<string> CopyableAudioCodecs => [];

    /// <summary>The ffmpeg audio encoder for streams that cannot be copied; null when the format carries no audio.</summary>
    public virtual string? AudioFallbackCodec => null;

    /// <summary>Bit rate of <see cref="AudioFallbackCodec"/>, e.g. <c>192k</c>.</summary>
    public virtual string? AudioFallbackBitrate => null;

    /// <summary>
    /// Arguments after the raw-video input: the colour conversion filter, the encoder and its settings, the pixel
    /// format and colour tags.
    /// </summary>
    /// <param name="settings">CRF, preset and VP9 deadline.</param>
    /// <param name="input">Layout of the frames piped in; RGBA keeps alpha where the format has it.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    public abstract IReadOnlyList<string> VideoArguments(EncoderSettings settings, FramePixelFormat input, int width, int height);

    /// <summary>The muxer flags and <c>-f</c>; the output URL follows.</summary>
    public abstract IReadOnlyList<string> MuxerArguments();

    /// <summary>True when an audio stream of <paramref name="codec"/> can be stream-copied into this format.</summary>
    public bool CanCopyAudio(string codec) => CopyableAudioCodecs.Contains(codec);

    /// <summary>Codec arguments for output audio stream <paramref name="index"/> coming from a <paramref name="codec"/> stream: copy, or the fallback.</summary>
    /// <exception cref="InvalidOperationException">The format carries no audio.</exception>
    public IReadOnlyList<string> AudioStreamArguments(int index, string codec)
    {
        var i = index.ToString(CultureInfo.InvariantCulture);
        return CanCopyAudio(codec) ? [$"-c:a:{i}", "copy"] : [$"-c:a:{i}", FallbackCodec, $"-b:a:{i}", AudioFallbackBitrate!];
    }

    /// <summary>Codec arguments that re-encode every audio stream with the fallback (for audio cut at an offset or padded, which cannot be copied).</summary>
    /// <exception cref="InvalidOperationException">The format carries no audio.</exception>
    public IReadOnlyList<string> AudioReencodeArguments() => ["-c:a", FallbackCodec, "-b:a", AudioFallbackBitrate!];

    private string FallbackCodec => AudioFallbackCodec ?? throw new InvalidOperationException($"{Format} carries no audio");

    /// <summary>
    /// RGB → YUV with the BT.709 matrix in limited range, done by this scale filter (the explicit format keeps ffmpeg
    /// from inserting its own BT.601 conversion), and the frames tagged BT.709: some encoders (prores_ks in ffmpeg 5.1)
    /// take the tags from the frames rather than from <c>-colorspace</c>, and untagged files decode as BT.601.
    /// </summary>
    protected static string ToBt709(string pixelFormat) =>
        $"scale=out_color_matrix=bt709:out_range=tv,format={pixelFormat},setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv";

    /// <summary>The BT.709 limited-range colour tags of the stream.</summary>
    protected static readonly string[] ColorTags = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"];
}
