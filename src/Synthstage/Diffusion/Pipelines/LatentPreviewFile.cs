using SkiaSharp;
using Synthstage.Imaging;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// Keeps a PNG file showing the latest <see cref="LatentPreview"/> of a run: every step rewrites it through a
/// temporary file renamed over it, so a viewer polling the file never reads half an image.
/// </summary>
/// <remarks>Use it as <see cref="StableDiffusionOptions.Preview"/> (the pipeline's previews) or call <see cref="Write"/> from a step callback.</remarks>
/// <param name="path">The PNG to rewrite.</param>
/// <param name="preview">The projection (SD 1.x factors by default).</param>
/// <param name="scale">Nearest-neighbour enlargement of the latent-resolution picture.</param>
public sealed class LatentPreviewFile(string path, LatentPreview? preview = null, int scale = 2) : IProgress<DiffusionPreview>
{
    private readonly string _path = Path.GetFullPath(path);
    private readonly LatentPreview _preview = preview ?? LatentPreview.StableDiffusion1;
    private byte[] _rgb = [];

    /// <summary>Steps written so far.</summary>
    public int Written { get; private set; }

    /// <summary>Renders <paramref name="step"/>'s latents and replaces the file with them (use as <see cref="StableDiffusionOptions.OnStepEnd"/>).</summary>
    /// <exception cref="SynthstageException">The file cannot be written.</exception>
    public void Write(DenoisingStep step)
    {
        var length = LatentPreview.ByteCount(step.LatentWidth, step.LatentHeight, scale);
        if (_rgb.Length != length) _rgb = new byte[length];
        _preview.Render(step.Latents, step.LatentHeight, step.LatentWidth, _rgb, scale);
        Save(new RgbImage(step.LatentWidth * scale, step.LatentHeight * scale, _rgb));
    }

    /// <summary>Replaces the file with the pipeline's preview (synchronously, on the pipeline's thread).</summary>
    /// <exception cref="SynthstageException">The file cannot be written.</exception>
    public void Report(DiffusionPreview value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Save(value.Picture);
    }

    private void Save(RgbImage picture)
    {
        using var bitmap = picture.ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new SynthstageException("PNG encoding of the preview failed", ExitCodes.Failure);
        var temp = _path + ".partial";
        try
        {
            using (var file = File.Create(temp)) data.SaveTo(file);
            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot write the preview '{_path}': {e.Message}", ExitCodes.BadOutput, e);
        }
        Written++;
    }
}
