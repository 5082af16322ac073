namespace Synthstage.Media;

/// <summary>H.264 (libx264, yuv420p, BT.709) in MP4 with the index at the front; AAC for audio it cannot copy.</summary>
internal sealed class Mp4Profile : OutputProfile
{
    public override OutputFormat Format => OutputFormat.Mp4;

    public override string VideoEncoder => "libx264";

    public override string DescribeEncoder(EncoderSettings settings) => $"{VideoEncoder} {settings.Preset}";

    public override IReadOnlyList<string> CopyableAudioCodecs { get; } = ["aac", "mp3", "ac3", "eac3", "alac"];

    public override string AudioFallbackCodec => "aac";

    public override string AudioFallbackBitrate => "192k";

    public override IReadOnlyList<string> VideoArguments(EncoderSettings settings, FramePixelFormat input, int width, int height)
    {
        var pad = width % 2 != 0 || height % 2 != 0
            // yuv420p needs even sizes: add one column/row and fill it with a copy of its neighbour.
            ? $"pad=ceil(iw/2)*2:ceil(ih/2)*2,fillborders=right={width % 2}:bottom={height % 2}:mode=smear,"
            : "";
        return ["-vf", pad + ToBt709("yuv420p"), "-c:v", VideoEncoder, "-preset", settings.Preset, "-crf", settings.CrfArgument,
            "-pix_fmt", "yuv420p", .. ColorTags];
    }

    public override IReadOnlyList<string> MuxerArguments() => ["-movflags", "+faststart", "-f", "mp4"];
}
