namespace Synthstage.Media;

/// <summary>The kinds of file <see cref="VideoFrameWriter"/> produces.</summary>
public enum OutputFormat
{
    /// <summary>H.264 (libx264, yuv420p) in MP4 with +faststart: plays everywhere; no alpha.</summary>
    Mp4,

    /// <summary>VP9 (libvpx-vp9) in WebM; keeps alpha (yuva420p) when frames are RGBA.</summary>
    WebM,

    /// <summary>ProRes 4444 (prores_ks, yuva444p10le) in QuickTime .mov; keeps alpha.</summary>
    ProRes,

    /// <summary>A folder of numbered PNG files (frame_000001.png, ...); lossless, keeps alpha.</summary>
    PngSequence,

    /// <summary>A single PNG image: exactly one frame; lossless, keeps alpha.</summary>
    Png,
}
