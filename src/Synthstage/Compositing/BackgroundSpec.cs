using System.Globalization;

namespace Synthstage.Compositing;

/// <summary>What goes behind the keyed-out subject: a colour, an image file, or the frame itself blurred.</summary>
public abstract record BackgroundSpec
{
    /// <summary>A solid colour.</summary>
    public sealed record Solid(byte R, byte G, byte B) : BackgroundSpec;

    /// <summary>An image file scaled to cover the frame and centred.</summary>
    public sealed record Image(string Path) : BackgroundSpec;

    /// <summary>The current frame, strongly blurred (a "portrait mode" look).</summary>
    public sealed record Blur : BackgroundSpec;

    /// <summary>Parses <c>#RRGGBB</c>, <c>blur</c>, or an image path.</summary>
    /// <exception cref="SynthstageException">A malformed colour or a missing image file.</exception>
    public static BackgroundSpec Parse(string value)
    {
        if (string.Equals(value, "blur", StringComparison.OrdinalIgnoreCase)) return new Blur();
        if (value.StartsWith('#'))
        {
            if (value.Length != 7 || !int.TryParse(value.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb))
                throw new SynthstageException($"background colour '{value}' must look like #RRGGBB", ExitCodes.Usage);
            return new Solid((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        }
        if (!File.Exists(value))
            throw new SynthstageException($"background image '{value}' does not exist (use an image path, #RRGGBB or blur)", ExitCodes.BadInput);
        return new Image(value);
    }
}
