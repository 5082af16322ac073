using System.Globalization;
using System.Text;

namespace Synthstage.Media;

/// <summary>What <see cref="VideoFrameWriter"/> writes and how.</summary>
/// <param name="OutputPath">The final file, folder (PNG sequence) or frame pattern such as <c>out/f_%05d.png</c>.
/// Its parent folder must exist. Nothing appears under this name until <see cref="VideoFrameWriter.CompleteAsync"/> succeeds.</param>
/// <param name="Width">Width of the frames passed in, in pixels.</param>
/// <param name="Height">Height of the frames passed in, in pixels.</param>
/// <param name="FrameRate">Frames per second of the output (NTSC rates such as 30000/1001 are written exactly);
/// ignored by the PNG formats.</param>
public sealed record VideoWriterOptions(string OutputPath, int Width, int Height, double FrameRate)
{
    private readonly OutputFormat? _format;

    /// <summary>The output format; by default <see cref="OutputFormats.FromPath"/> of <see cref="OutputPath"/>.</summary>
    public OutputFormat Format
    {
        get => _format ?? OutputFormats.FromPath(OutputPath);
        init => _format = value;
    }

    /// <summary>Layout of the frames passed to <see cref="VideoFrameWriter.WriteFrameAsync"/>. RGBA keeps alpha in
    /// formats that support it (<see cref="OutputFormats.SupportsAlpha"/>); MP4 drops it.</summary>
    public FramePixelFormat InputPixelFormat { get; init; } = FramePixelFormat.Rgb24;

    /// <summary>Constant rate factor on the encoder's own scale: libx264 0–51 (18 ≈ visually lossless),
    /// libvpx-vp9 0–63. Ignored by ProRes and PNG.</summary>
    public int Crf { get; init; } = 18;

    /// <summary>libx264 preset (ultrafast … veryslow). For VP9 it picks the speed: ultrafast–veryfast → cpu-used 5,
    /// faster–medium → 3, slower → 1.</summary>
    public string Preset { get; init; } = "veryfast";

    /// <summary>
    /// A file whose audio streams are copied into the output unchanged (<c>-c:a copy</c>) and cut to the video's length.
    /// A codec the container cannot hold is re-encoded: AAC for MP4/MOV, Opus for WebM. Null or a file without
    /// audio: no audio. Not allowed with the PNG formats.
    /// </summary>
    public string? AudioSourcePath { get; init; }

    // Printed by the record's ToString; written by hand so that an unsupported extension cannot make ToString throw.
    private bool PrintMembers(StringBuilder builder)
    {
        var format = _format?.ToString();
        if (format is null)
        {
            try { format = OutputFormats.FromPath(OutputPath).ToString(); }
            catch (SynthstageException) { format = "unsupported"; }
        }
        builder.Append(CultureInfo.InvariantCulture,
            $"OutputPath = {OutputPath}, Width = {Width}, Height = {Height}, FrameRate = {FrameRate}, Format = {format}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"InputPixelFormat = {InputPixelFormat}, Crf = {Crf}, Preset = {Preset}, AudioSourcePath = {AudioSourcePath}");
        return true;
    }
}
