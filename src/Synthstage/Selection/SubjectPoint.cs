using System.Globalization;

namespace Synthstage.Selection;

/// <summary>Whether a point marks something to key or something to leave out.</summary>
public enum SubjectPointKind
{
    /// <summary>A point on a subject to key (<c>--subject</c>).</summary>
    Subject,

    /// <summary>A point on something that must not be keyed (<c>--exclude</c>).</summary>
    Exclude,
}

/// <summary>A point the user clicked: source-pixel coordinates (0,0 = top-left pixel) on a frame of the input.</summary>
/// <param name="X">Column in source pixels.</param>
/// <param name="Y">Row in source pixels.</param>
/// <param name="Frame">Zero-based frame index the point was given on.</param>
/// <param name="Kind">Subject or exclusion.</param>
public readonly record struct SubjectPoint(float X, float Y, int Frame, SubjectPointKind Kind)
{
    /// <summary>The option that gives this kind of point.</summary>
    public string OptionName => Kind == SubjectPointKind.Subject ? "--subject" : "--exclude";

    /// <summary>Parses <c>X,Y</c> or <c>X,Y@FRAME</c>.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: not of that form.</exception>
    public static SubjectPoint Parse(string text, SubjectPointKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        var option = kind == SubjectPointKind.Subject ? "--subject" : "--exclude";
        var at = text.Split('@');
        var xy = at[0].Split(',');
        var frame = 0;
        if (at.Length > 2 || xy.Length != 2
            || !float.TryParse(xy[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            || !float.TryParse(xy[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            || !float.IsFinite(x) || !float.IsFinite(y)
            || (at.Length == 2 && !int.TryParse(at[1], NumberStyles.None, CultureInfo.InvariantCulture, out frame)))
            throw new SynthstageException($"{option} expects X,Y or X,Y@FRAME in source pixels (got '{text}')", ExitCodes.Usage);
        return new SubjectPoint(x, y, frame, kind);
    }

    /// <summary><c>X,Y@FRAME</c>, as the option takes it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{X:R},{Y:R}@{Frame}");
}
