using System.Diagnostics;
using SkiaSharp;
using Synthstage.Imaging;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Pose;

namespace Synthstage.Selection;

/// <summary>Settings of <see cref="SubjectsJob"/>.</summary>
public sealed record SubjectsOptions
{
    /// <summary>Zero-based frame to look at.</summary>
    public int Frame { get; init; }

    /// <summary>Where to write the frame with the subjects drawn numbered on it (PNG); null to skip.</summary>
    public string? OverlayPath { get; init; }

    /// <summary>The pose model that finds the people.</summary>
    public string Model { get; init; } = SubjectSelection.DefaultTracker;

    /// <summary>Execution provider and threads.</summary>
    public SessionOptionsSpec Session { get; init; } = new();

    /// <summary>Where the models are installed.</summary>
    public ModelStore Store { get; init; } = ModelStore.Default;
}

/// <summary>One subject found in a frame, in source pixels.</summary>
/// <param name="Id">Number drawn on the overlay, 1 for the leftmost.</param>
/// <param name="Kind">What it is ("person").</param>
/// <param name="X">Left edge of the box the matte would key.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Box width.</param>
/// <param name="Height">Box height.</param>
/// <param name="Area">Pixels the matte would key (probability ≥ 0.5).</param>
/// <param name="Score">The model's confidence, 0..1.</param>
/// <param name="PointX">A point on the subject to pass to <c>--subject X,Y@FRAME</c>.</param>
/// <param name="PointY">Its y.</param>
public sealed record FoundSubject(int Id, string Kind, int X, int Y, int Width, int Height, long Area, float Score, int PointX, int PointY);

/// <summary>What <see cref="SubjectsJob"/> found.</summary>
/// <param name="Frame">The frame looked at.</param>
/// <param name="Width">Frame width.</param>
/// <param name="Height">Frame height.</param>
/// <param name="Subjects">Left to right.</param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record SubjectsResult(int Frame, int Width, int Height, IReadOnlyList<FoundSubject> Subjects, TimeSpan Elapsed);

/// <summary>
/// <c>synthstage subjects</c>: what the engine can select in one frame — each person the pose detector and landmark
/// model find, with a box, an area and a point to click — optionally drawn numbered on the frame, so a command-line
/// user knows where to point <c>--subject</c>.
/// </summary>
public static class SubjectsJob
{
    private const int MaskLongSide = 256;

    /// <summary>Runs the job.</summary>
    /// <exception cref="SynthstageException">Unreadable input, a frame past the end (Usage), model or output problems.</exception>
    public static async Task<SubjectsResult> RunAsync(string inputPath, SubjectsOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        if (options.Frame < 0) throw new SynthstageException($"--frame {options.Frame}: frames are numbered from 0", ExitCodes.Usage);
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        var name = Path.GetFileName(inputPath);
        if (info.IsStillImage && options.Frame != 0) throw new SynthstageException($"--frame {options.Frame}: '{name}' is a still image, its only frame is 0", ExitCodes.Usage);
        if (info.FrameCountIsExact && options.Frame >= info.FrameCount)
            throw new SynthstageException($"--frame {options.Frame} is past the end of '{name}' ({info.FrameCount} frames: 0–{info.FrameCount - 1})", ExitCodes.Usage);
        using var tracker = await SubjectSelector.CreateTrackerAsync(options.Model, options.Store, options.Session, null, progress, ct).ConfigureAwait(false);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var frame = new byte[reader.FrameSizeBytes];
        for (var i = 0; i <= options.Frame; i++)
            if (!await reader.ReadFrameAsync(frame, ct).ConfigureAwait(false))
                throw new SynthstageException($"--frame {options.Frame} is past the end of '{name}' ({i} frames: 0–{i - 1})", ExitCodes.Usage);
        int width = reader.Width, height = reader.Height;
        tracker.Process(frame, width, height, 3);
        var subjects = Describe(tracker, width, height);
        if (options.OverlayPath is { } overlay) WriteOverlay(overlay, frame, width, height, subjects);
        return new SubjectsResult(options.Frame, width, height, subjects, clock.Elapsed);
    }

    private static List<FoundSubject> Describe(MultiPersonTracker tracker, int width, int height)
    {
        var scale = (double)MaskLongSide / Math.Max(width, height);
        var (mw, mh) = (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
        var mask = new float[mw * mh];
        var (sx, sy) = ((float)width / mw, (float)height / mh);
        var found = new List<FoundSubject>();
        foreach (var track in tracker.Tracks.Where(t => t.Visible))
        {
            track.WriteMask(mask, mw, mh, width, height);
            int x0 = mw, y0 = mh, x1 = -1, y1 = -1, count = 0, best = 0;
            for (var i = 0; i < mask.Length; i++)
            {
                if (mask[i] > mask[best]) best = i;
                if (mask[i] < 0.5f) continue;
                var (x, y) = (i % mw, i / mw);
                (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
                count++;
            }
            if (count == 0) continue;
            var (px, py) = Point(track, width, height, mask, mw, mh, best);
            found.Add(new FoundSubject(0, "person", (int)(x0 * sx), (int)(y0 * sy), (int)MathF.Ceiling((x1 - x0 + 1) * sx), (int)MathF.Ceiling((y1 - y0 + 1) * sy),
                (long)Math.Round(count * sx * sy), track.Score, px, py));
        }
        return found.OrderBy(s => s.X).Select((s, i) => s with { Id = i + 1 }).ToList();
    }

    /// <summary>The middle of the torso (shoulders and hips) when the matte holds it, else its most certain pixel.</summary>
    private static (int X, int Y) Point(PersonTrack track, int width, int height, float[] mask, int mw, int mh, int best)
    {
        var l = track.Landmarks;
        var (x, y) = ((l[11].X + l[12].X + l[23].X + l[24].X) / 4 * width, (l[11].Y + l[12].Y + l[23].Y + l[24].Y) / 4 * height);
        var (mx, my) = ((int)(x * mw / width), (int)(y * mh / height));
        if (mx >= 0 && my >= 0 && mx < mw && my < mh && mask[my * mw + mx] >= 0.5f) return ((int)x, (int)y);
        return ((int)((best % mw + 0.5f) * width / mw), (int)((best / mw + 0.5f) * height / mh));
    }

    private static void WriteOverlay(string path, byte[] frame, int width, int height, IReadOnlyList<FoundSubject> subjects)
    {
        using var bitmap = new RgbImage(width, height, frame[..(width * height * 3)]).ToBitmap();
        using (var canvas = new SKCanvas(bitmap))
        {
            var stroke = Math.Max(2f, height / 240f);
            var textSize = Math.Max(14f, height / 18f);
            using var font = new SKFont(Provenance.VisibleLabel.FindTypeface(), textSize);
            using var box = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = stroke, Color = new SKColor(255, 210, 0) };
            using var fill = new SKPaint { IsAntialias = true, Color = new SKColor(255, 210, 0) };
            using var ink = new SKPaint { IsAntialias = true, Color = SKColors.Black };
            foreach (var s in subjects)
            {
                canvas.DrawRect(s.X, s.Y, s.Width, s.Height, box);
                canvas.DrawCircle(s.PointX, s.PointY, stroke * 2.5f, fill);
                var label = s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var labelWidth = font.MeasureText(label) + textSize * 0.5f;
                canvas.DrawRect(s.X, s.Y, labelWidth, textSize * 1.2f, fill);
                canvas.DrawText(label, s.X + textSize * 0.25f, s.Y + textSize, font, ink);
            }
        }
        AtomicFile.Write(path, stream => bitmap.Encode(stream, SKEncodedImageFormat.Png, 100), "subjects overlay");
    }
}
