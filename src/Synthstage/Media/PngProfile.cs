namespace Synthstage.Media;

/// <summary>One lossless PNG image; no audio. A manifest goes into a PNG text chunk afterwards, not through ffmpeg.</summary>
internal sealed class PngProfile : OutputProfile
{
    public override OutputFormat Format => OutputFormat.Png;

    public override string VideoEncoder => "png";

    public override IReadOnlyList<string> VideoArguments(EncoderSettings settings, FramePixelFormat input, int width, int height) =>
        ["-c:v", VideoEncoder, "-pix_fmt", input.FfmpegName(), "-frames:v", "1", "-update", "1"];

    public override IReadOnlyList<string> MuxerArguments() => ["-f", "image2"];
}
