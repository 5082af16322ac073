namespace Synthstage.Media;

/// <summary>Numbered lossless PNG files (frame_000001.png, …) through the image2 muxer; no audio, no tags.</summary>
internal sealed class PngSequenceProfile : OutputProfile
{
    public override OutputFormat Format => OutputFormat.PngSequence;

    public override string VideoEncoder => "png";

    public override IReadOnlyList<string> VideoArguments(EncoderSettings settings, FramePixelFormat input, int width, int height) =>
        ["-c:v", VideoEncoder, "-pix_fmt", input.FfmpegName(), "-start_number", "1"];

    public override IReadOnlyList<string> MuxerArguments() => ["-f", "image2"];
}
