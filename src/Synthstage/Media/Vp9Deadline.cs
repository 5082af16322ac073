namespace Synthstage.Media;

/// <summary>How hard libvpx-vp9 works per frame for WebM output (its <c>-deadline</c>).</summary>
public enum Vp9Deadline
{
    /// <summary>
    /// <c>-deadline realtime -cpu-used 8</c> with row multithreading: several times faster than <see cref="Good"/>
    /// (VP9 with alpha encodes the alpha plane as a second stream, so the encoder is easily the slowest stage);
    /// files are about a quarter larger at the same CRF.
    /// </summary>
    Realtime,

    /// <summary><c>-deadline good</c> with <c>-cpu-used</c> picked from the preset: smaller files, several times slower.</summary>
    Good,
}
