using Synthstage.Imaging;
using SkiaSharp;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>One generated image and the parameters that reproduce it.</summary>
/// <param name="Image">The RGB8 pixels.</param>
/// <param name="Seed">The seed this image was generated from.</param>
/// <param name="Parameters">prompt, negative, seed, steps, guidance, scheduler, model (and size, strength for img2img), as written into the PNG.</param>
public sealed record GeneratedImage(RgbImage Image, ulong Seed, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    /// <summary>
    /// What the user should know about how the image was made, one sentence each without a "warning:" prefix: a
    /// prompt or negative prompt cut at the text encoder's 77 tokens names the dropped words. Empty when all is well.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Encodes the image as PNG with every parameter in a text chunk (tEXt, or iTXt for non-Latin-1 text).</summary>
    /// <returns>The PNG file's bytes; the same image and parameters always give the same bytes.</returns>
    public byte[] EncodePng()
    {
        using var bitmap = Image.ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new SynthstageException("PNG encoding failed", ExitCodes.Failure);
        return PngTextChunks.Insert(data.AsSpan(), Parameters);
    }

    /// <summary>Writes <see cref="EncodePng"/> to <paramref name="path"/> (via a temporary file, renamed when complete).</summary>
    /// <exception cref="SynthstageException">The folder does not exist or the file cannot be written.</exception>
    public void SavePng(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new SynthstageException($"output folder '{dir}' does not exist", ExitCodes.BadOutput);
        var temp = full + ".partial";
        try
        {
            File.WriteAllBytes(temp, EncodePng());
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot write '{full}': {e.Message}", ExitCodes.BadOutput, e);
        }
    }
}
