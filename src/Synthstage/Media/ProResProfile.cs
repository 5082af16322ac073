namespace Synthstage.Media;

/// <summary>ProRes 4444 (prores_ks, 10-bit 4:4:4 with alpha) in QuickTime; AAC for audio it cannot copy.</summary>
internal sealed class ProResProfile : OutputProfile
{
    public override OutputFormat Format => OutputFormat.ProRes;

    public override string VideoEncoder => "prores_ks";

    public override IReadOnlyList<string> CopyableAudioCodecs { get; } =
        ["aac", "mp3", "ac3", "eac3", "alac", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_s32le", "pcm_f32le"];

    public override string AudioFallbackCodec => "aac";

    // A mastering intermediate: give re-encoded audio more room than the MP4 delivery format.
    public override string AudioFallbackBitrate => "256k";

    public override IReadOnlyList<string> VideoArguments(EncoderSettings settings, FramePixelFormat input, int width, int height)
    {
        var pixelFormat = input == FramePixelFormat.Rgba32 ? "yuva444p10le" : "yuv444p10le";
        return ["-vf", ToBt709(pixelFormat), "-c:v", VideoEncoder, "-profile:v", "4444", "-vendor", "apl0", "-pix_fmt", pixelFormat, .. ColorTags];
    }

    public override IReadOnlyList<string> MuxerArguments() => ["-f", "mov"];
}
