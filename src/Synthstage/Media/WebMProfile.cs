namespace Synthstage.Media;

/// <summary>VP9 (libvpx-vp9, constant quality, yuva420p with alpha) in WebM; Opus for audio it cannot copy.</summary>
internal sealed class WebMProfile : OutputProfile
{
    public override OutputFormat Format => OutputFormat.WebM;

    public override string VideoEncoder => "libvpx-vp9";

    public override string DescribeEncoder(EncoderSettings settings) =>
        settings.Vp9Deadline == Vp9Deadline.Realtime ? $"{VideoEncoder} realtime" : $"{VideoEncoder} good, cpu-used {GoodSpeed(settings.Preset)}";

    public override IReadOnlyList<string> CopyableAudioCodecs { get; } = ["opus", "vorbis"];

    public override string AudioFallbackCodec => "libopus";

    public override string AudioFallbackBitrate => "160k";

    public override IReadOnlyList<string> VideoArguments(EncoderSettings settings, FramePixelFormat input, int width, int height)
    {
        var pixelFormat = input == FramePixelFormat.Rgba32 ? "yuva420p" : "yuv420p";
        // Row multithreading lets libvpx use more than one core per tile column, in both deadlines.
        string[] speed = settings.Vp9Deadline == Vp9Deadline.Realtime
            ? ["-deadline", "realtime", "-cpu-used", "8"]
            : ["-deadline", "good", "-cpu-used", GoodSpeed(settings.Preset)];
        return ["-vf", ToBt709(pixelFormat), "-c:v", VideoEncoder, "-b:v", "0", "-crf", settings.CrfArgument,
            "-pix_fmt", pixelFormat, "-row-mt", "1", .. speed, .. ColorTags];
    }

    public override IReadOnlyList<string> MuxerArguments() => ["-f", "webm"];

    private static string GoodSpeed(string preset) => preset switch
    {
        "ultrafast" or "superfast" or "veryfast" => "5",
        "faster" or "fast" or "medium" => "3",
        _ => "1",
    };
}
