namespace Synthstage.Video.Resume;

/// <summary>The span of an audio file that accompanies the video.</summary>
/// <param name="SourcePath">Any file with an audio stream.</param>
/// <param name="StartSeconds">Where in the file the video's first frame sits.</param>
/// <param name="PadWithSilence">When the audio ends before the video, continue with silence (else the audio just stops).</param>
public sealed record ResumableAudio(string SourcePath, double StartSeconds, bool PadWithSilence)
{
    /// <summary>Keep every audio stream and stream-copy those the container takes (as a plain render does); only for a start of 0 without padding.</summary>
    public bool CopyStreams { get; init; }
}
