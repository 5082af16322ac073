using System.Globalization;

namespace Synthstage.Studio;

/// <summary>
/// A click on the subject (include) or on something that is not it (exclude), in a given frame, at a place given as a
/// fraction of the frame's width and height (so it holds at any display size).
/// </summary>
/// <param name="X">0 (left) to 1 (right).</param>
/// <param name="Y">0 (top) to 1 (bottom).</param>
/// <param name="Frame">Zero-based frame index.</param>
/// <param name="Include">True for the subject, false for an excluded region.</param>
public sealed record SubjectPoint(double X, double Y, int Frame, bool Include = true)
{
    /// <summary>Throws unless the point lies in the frame.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>.</exception>
    public void Validate(int frameCount)
    {
        if (!(X is >= 0 and <= 1) || !(Y is >= 0 and <= 1))
            throw new SynthstageException($"a subject point must lie in the frame (x and y from 0 to 1; got {X}, {Y})", ExitCodes.Usage);
        if (Frame < 0 || Frame >= Math.Max(1, frameCount))
            throw new SynthstageException($"a subject point names frame {Frame}; the clip has frames 0 to {frameCount - 1}", ExitCodes.Usage);
    }

    /// <summary>The point in pixels of a <paramref name="width"/>×<paramref name="height"/> frame.</summary>
    public (int X, int Y) InPixels(int width, int height) =>
        (Math.Clamp((int)(X * width), 0, width - 1), Math.Clamp((int)(Y * height), 0, height - 1));

    /// <summary>The engine's selection for a <paramref name="width"/>×<paramref name="height"/> clip: what <c>--subject</c> and <c>--exclude</c> give the CLI.</summary>
    public static Selection.SubjectSelection ToSelection(IEnumerable<SubjectPoint> points, int width, int height) => new()
    {
        Points = [.. points.Select(p => p.ToEngine(width, height))],
    };

    /// <summary>The point as the engine's, in the source pixels of a <paramref name="width"/>×<paramref name="height"/> frame.</summary>
    public Selection.SubjectPoint ToEngine(int width, int height)
    {
        var (x, y) = InPixels(width, height);
        return new Selection.SubjectPoint(x, y, Frame, Include ? Selection.SubjectPointKind.Subject : Selection.SubjectPointKind.Exclude);
    }

    /// <summary>The points as the command line's subject value: <c>X,Y@F</c> in pixels, excluded ones prefixed with <c>-</c>, comma-separated lists joined by ';'.</summary>
    public static string ToCommandLine(IEnumerable<SubjectPoint> points, int width, int height) =>
        string.Join(';', points.Select(p =>
        {
            var (x, y) = p.InPixels(width, height);
            return string.Create(CultureInfo.InvariantCulture, $"{(p.Include ? "" : "-")}{x},{y}@{p.Frame}");
        }));
}
