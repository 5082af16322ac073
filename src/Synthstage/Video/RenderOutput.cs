using Synthstage.Media;
using Synthstage.Video.Resume;

namespace Synthstage.Video;

/// <summary>
/// Where a keyed render writes, chosen by the caller: <see cref="Plain"/> (any format, one pass) or
/// <see cref="Resumable"/> (a video file in parts that a rerun of the same command continues).
/// </summary>
/// <param name="Path">The output file (or folder for a PNG sequence).</param>
public abstract record RenderOutput(string Path)
{
    /// <summary>True when <paramref name="path"/> names a file a <see cref="Resumable"/> output can write (.mp4, .m4v, .webm or .mov).</summary>
    /// <exception cref="SynthstageException">The extension is not one Synthstage writes at all.</exception>
    public static bool CanResume(string path) => OutputFormats.FromPath(path) is OutputFormat.Mp4 or OutputFormat.WebM or OutputFormat.ProRes;

    /// <summary>Written in one pass by ffmpeg; nothing appears under the name until it is complete.</summary>
    /// <param name="Path">File, folder or frame pattern; the format follows the extension unless the keying options name one.</param>
    public sealed record Plain(string Path) : RenderOutput(Path);

    /// <summary>
    /// Written in parts of <see cref="PartSeconds"/> beside the output (<c>OUT.parts/</c>, <c>OUT.resume.json</c>):
    /// a run stopped at any point keeps its finished parts, and the same command run again with the same settings
    /// continues from there, its result the same as an uninterrupted run's.
    /// </summary>
    /// <param name="Path">An .mp4, .m4v, .webm or .mov file.</param>
    public sealed record Resumable(string Path) : RenderOutput(Path)
    {
        /// <summary>Seconds of video per part: what a crash can cost at most (shorter parts add encoder starts).</summary>
        public double PartSeconds { get; init; } = 10;

        /// <summary>Discard an unfinished run with other settings instead of refusing it.</summary>
        public bool Restart { get; init; }

        /// <summary>Throws unless the path is a video file and the part length is positive.</summary>
        /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/> or <see cref="ExitCodes.BadOutput"/> (missing folder).</exception>
        internal void Validate()
        {
            if (!(PartSeconds > 0) || double.IsInfinity(PartSeconds))
                throw new SynthstageException($"--part-seconds must be more than 0 (got {PartSeconds})", ExitCodes.Usage);
            ResumableVideoOutput.CheckOutputPath(Path);
        }
    }

    /// <summary>
    /// Frames <see cref="Start"/> up to <see cref="End"/> of the render, for a sharded job: the footage is decoded from the
    /// start, the <see cref="WarmUpFrames"/> before <see cref="Start"/> go through the matte stages
    /// unwritten (smoothing and tracking start warm), the range is written as a resumable video without audio or
    /// manifest (the stitch adds both to the whole), its frames marked with <see cref="ContentId"/>.
    /// </summary>
    /// <param name="Path">The shard's video file (.mp4, .webm or .mov); state and parts sit beside it until it is complete.</param>
    /// <param name="Start">First frame of the range.</param>
    /// <param name="End">Frame after the last one.</param>
    /// <param name="ContentId">The job's content id (32 hex digits), the same in every shard.</param>
    public sealed record Shard(string Path, int Start, int End, string ContentId) : RenderOutput(Path)
    {
        /// <summary>Frames before <see cref="Start"/> run through the matte stages unwritten (at most <see cref="Start"/>).</summary>
        public int WarmUpFrames { get; init; } = KeyedVideoRender.WarmUpFrames;

        /// <summary>Throws unless the path is a video file and the range is not empty.</summary>
        internal void Validate()
        {
            if (Start < 0 || End <= Start) throw new ArgumentOutOfRangeException(nameof(End), $"the shard range {Start}..{End} is empty");
            ArgumentOutOfRangeException.ThrowIfNegative(WarmUpFrames);
            ResumableVideoOutput.CheckOutputPath(Path);
        }
    }
}
