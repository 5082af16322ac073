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
    /// <summary>Format, CRF, preset and VP9 deadline.</summary>
    public EncoderSettings Encoder { get; init; } = EncoderSettings.Default;

    /// <summary>The output format: <see cref="EncoderSettings.Format"/> when set, else <see cref="OutputFormats.FromPath"/> of <see cref="OutputPath"/>.</summary>
    /// <exception cref="SynthstageException">No format is set and the extension is not supported (<see cref="ExitCodes.Usage"/>).</exception>
    public OutputFormat Format => Encoder.FormatFor(OutputPath);

    /// <summary>Layout of the frames passed to <see cref="VideoFrameWriter.WriteFrameAsync"/>. RGBA keeps alpha in
    /// formats that support it (<see cref="OutputFormats.SupportsAlpha"/>); MP4 drops it.</summary>
    public FramePixelFormat InputPixelFormat { get; init; } = FramePixelFormat.Rgb24;

    /// <summary>
    /// A file whose audio streams are copied into the output unchanged (<c>-c:a copy</c>) and cut to the video's length.
    /// A codec the container cannot hold is re-encoded: AAC for MP4/MOV, Opus for WebM. Null or a file without
    /// audio: no audio. Not allowed with the PNG formats.
    /// </summary>
    public string? AudioSourcePath { get; init; }

    // Printed by the record's ToString; written by hand so that an unsupported extension cannot make ToString throw.
    private bool PrintMembers(StringBuilder builder)
    {
        string format;
        try { format = Format.ToString(); }
        catch (SynthstageException) { format = "unsupported"; }
        builder.Append(CultureInfo.InvariantCulture,
            $"OutputPath = {OutputPath}, Width = {Width}, Height = {Height}, FrameRate = {FrameRate}, Format = {format}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"InputPixelFormat = {InputPixelFormat}, Crf = {Encoder.Crf}, Preset = {Encoder.Preset}, Vp9Deadline = {Encoder.Vp9Deadline}, AudioSourcePath = {AudioSourcePath}");
        return true;
    }
}
