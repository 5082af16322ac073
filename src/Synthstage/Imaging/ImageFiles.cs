using SkiaSharp;

namespace Synthstage.Imaging;

/// <summary>
/// The one place image files are decoded (PNG, JPEG, WebP, BMP, GIF — whatever SkiaSharp reads): to unpremultiplied
/// RGBA, or to RGB with the alpha dropped. A missing or undecodable file is a <see cref="SynthstageException"/> that
/// names the file and what it was for.
/// </summary>
public static class ImageFiles
{
    /// <summary>The formats named in error messages.</summary>
    public const string Formats = "PNG, JPEG, WebP, BMP, GIF";

    /// <summary>Decodes <paramref name="path"/> to an RGBA8888 bitmap with unpremultiplied alpha; the caller disposes it.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="role">What the file is, for messages: "background image", "mask", …</param>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: the file is missing or not a decodable image.</exception>
    public static SKBitmap ReadRgba(string path, string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new SynthstageException($"{role} '{path}' does not exist", ExitCodes.BadInput);
        using var decoded = SKBitmap.Decode(path)
            ?? throw new SynthstageException($"{role} '{path}' is not an image SkiaSharp can decode ({Formats})", ExitCodes.BadInput);
        return ToUnpremultipliedRgba(decoded, role, path);
    }

    /// <summary>Decodes <paramref name="path"/> to RGB; alpha is dropped (colours stay unpremultiplied).</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: the file is missing or not a decodable image.</exception>
    public static RgbImage ReadRgb(string path, string role)
    {
        using var rgba = ReadRgba(path, role);
        return RgbImage.FromBitmap(rgba);
    }

    /// <summary>Decodes an encoded image held in memory (for example a JPEG just written) to RGB.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: the bytes are not a decodable image.</exception>
    public static RgbImage DecodeRgb(ReadOnlySpan<byte> encoded, string role)
    {
        using var decoded = SKBitmap.Decode(encoded)
            ?? throw new SynthstageException($"{role} is not an image SkiaSharp can decode ({Formats})", ExitCodes.BadInput);
        using var rgba = ToUnpremultipliedRgba(decoded, role, null);
        return RgbImage.FromBitmap(rgba);
    }

    private static SKBitmap ToUnpremultipliedRgba(SKBitmap decoded, string role, string? path)
    {
        var rgba = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (decoded.CopyTo(rgba, SKColorType.Rgba8888)) return rgba;
        rgba.Dispose();
        throw new SynthstageException($"{role}{(path is null ? "" : $" '{path}'")} could not be converted to RGBA", ExitCodes.BadInput);
    }
}
