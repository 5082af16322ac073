using System.Globalization;

namespace Synthstage.Pipeline;

/// <summary>How busy one thread of a <see cref="FramePipeline"/> was over a stretch of wall time.</summary>
/// <param name="Stage">The thread's name in <see cref="FramePipeline.BusyTimes"/> (decode, segment, …, encode).</param>
/// <param name="Busy">Time it spent inside its work, waiting on queues excluded.</param>
/// <param name="Share"><paramref name="Busy"/> ÷ the stretch's wall time, 0..1. The threads overlap, so the one nearest 1
/// bounds the frame rate: the others wait on it.</param>
/// <param name="Tool">What does the stage's work when that is worth naming, such as the encoder of the encode stage
/// (<c>libvpx-vp9 realtime</c>); null otherwise.</param>
public sealed record StageLoad(string Stage, TimeSpan Busy, double Share, string? Tool = null)
{
    /// <summary>The share as a whole percentage, <c>92 %</c>.</summary>
    public string Percent => Share.ToString("P0", CultureInfo.InvariantCulture);

    /// <summary>The stage, its tool if named, and how busy it was: <c>encode (libvpx-vp9 realtime) 92 % busy</c>.</summary>
    public override string ToString() => Tool is null ? $"{Stage} {Percent} busy" : $"{Stage} ({Tool}) {Percent} busy";
}
