using Synthstage.Media;

namespace Synthstage.Studio;

/// <summary>A video or still image in the data folder, as the clip page shows it.</summary>
/// <param name="Path">Relative to the data folder, forward slashes: the clip's id in every request.</param>
/// <param name="Name">The name the user knows it by (the uploaded file's name).</param>
/// <param name="Width">Display width.</param>
/// <param name="Height">Display height.</param>
/// <param name="FrameRate">Frames per second (meaningless for a still).</param>
/// <param name="FrameCount">Frames (1 for a still).</param>
/// <param name="DurationSeconds">Length (0 for a still).</param>
/// <param name="IsStill">A single image.</param>
/// <param name="HasAudio">Carries an audio stream.</param>
public sealed record StudioClip(string Path, string Name, int Width, int Height, double FrameRate, int FrameCount,
    double DurationSeconds, bool IsStill, bool HasAudio)
{
    /// <summary>The clip described by a probe of the file at <paramref name="relativePath"/>.</summary>
    public static StudioClip From(string relativePath, string name, VideoInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new(relativePath, name, info.DisplayWidth, info.DisplayHeight, info.IsStillImage ? 0 : info.FrameRate,
            Math.Max(1, info.FrameCount), info.Duration.TotalSeconds, info.IsStillImage, info.HasAudio);
    }
}
