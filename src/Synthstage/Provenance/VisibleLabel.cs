using SkiaSharp;

namespace Synthstage.Provenance;

/// <summary>
/// A small visible mark such as "AI-generated" in the bottom-right corner: white text on a translucent dark
/// rounded box, about 1/40 of the frame height, rendered once with SkiaSharp and blended onto every frame.
/// </summary>
public sealed class VisibleLabel
{
    private readonly byte[] _premultiplied; // RGBA, premultiplied alpha, Width × Height
    private readonly int _labelWidth;
    private readonly int _labelHeight;
    private readonly int _left;
    private readonly int _top;

    private VisibleLabel(byte[] premultiplied, int labelWidth, int labelHeight, int left, int top, string text)
    {
        _premultiplied = premultiplied;
        _labelWidth = labelWidth;
        _labelHeight = labelHeight;
        _left = left;
        _top = top;
        Text = text;
    }

    /// <summary>The label's text.</summary>
    public string Text { get; }

    /// <summary>Renders <paramref name="text"/> for frames of the given size.</summary>
    /// <exception cref="SynthstageException">The text is empty or too long, or no font is installed.</exception>
    public static VisibleLabel Create(string text, int frameWidth, int frameHeight)
    {
        text = text.Trim();
        if (text.Length is 0 or > 80)
            throw new SynthstageException("--label needs 1–80 characters of text", ExitCodes.Usage);
        var typeface = FindTypeface(); // shared typefaces are cached by Skia; not disposed
        var textSize = Math.Max(10f, frameHeight / 40f);
        using var font = new SKFont(typeface, textSize) { Edging = SKFontEdging.Antialias, Subpixel = true };
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.White };
        var textWidth = font.MeasureText(text);
        var padding = textSize * 0.45f;
        var width = Math.Min(frameWidth, (int)Math.Ceiling(textWidth + 2 * padding));
        var height = Math.Min(frameHeight, (int)Math.Ceiling(textSize * 1.5f));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var box = new SKPaint { IsAntialias = true, Color = new SKColor(0, 0, 0, 110) };
            canvas.DrawRoundRect(new SKRect(0, 0, width, height), height * 0.25f, height * 0.25f, box);
            font.GetFontMetrics(out var metrics);
            var baseline = (height - (metrics.Descent - metrics.Ascent)) / 2 - metrics.Ascent;
            canvas.DrawText(text, padding, baseline, SKTextAlign.Left, font, paint);
        }
        var margin = (int)Math.Round(frameHeight / 48.0);
        var left = Math.Max(0, frameWidth - width - margin);
        var top = Math.Max(0, frameHeight - height - margin);
        return new VisibleLabel(bitmap.GetPixelSpan().ToArray(), width, height, left, top, text);
    }

    /// <summary>Blends the label onto a packed RGB24 (3) or RGBA32 (4) frame in place; alpha is kept.</summary>
    public void Apply(Span<byte> frame, int frameWidth, int bytesPerPixel)
    {
        for (var y = 0; y < _labelHeight; y++)
        {
            var src = _premultiplied.AsSpan(y * _labelWidth * 4, _labelWidth * 4);
            var dst = frame.Slice(((_top + y) * frameWidth + _left) * bytesPerPixel, _labelWidth * bytesPerPixel);
            for (int x = 0, s = 0, d = 0; x < _labelWidth; x++, s += 4, d += bytesPerPixel)
            {
                var a = src[s + 3];
                if (a == 0) continue;
                var keep = 255 - a;
                dst[d] = (byte)(src[s] + (dst[d] * keep + 127) / 255);
                dst[d + 1] = (byte)(src[s + 1] + (dst[d + 1] * keep + 127) / 255);
                dst[d + 2] = (byte)(src[s + 2] + (dst[d + 2] * keep + 127) / 255);
            }
        }
    }

    internal static SKTypeface FindTypeface()
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" })
        {
            var match = SKFontManager.Default.MatchFamily(family, SKFontStyle.Bold);
            if (match is { GlyphCount: > 0 }) return match;
            match?.Dispose();
        }
        if (SKTypeface.Default is { GlyphCount: > 0 } fallback) return fallback;
        foreach (var folder in new[] { "/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", @"C:\Windows\Fonts" })
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.EnumerateFiles(folder, "*.ttf", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (SKTypeface.FromFile(file) is { GlyphCount: > 0 } face) return face;
        }
        throw new SynthstageException("no font found to draw --label; install one (apt-get install fonts-dejavu-core)", ExitCodes.Failure);
    }
}
