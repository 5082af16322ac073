using Synthstage.Imaging;
using Synthstage.Provenance;
using Synthstage.Walks.Upscaling;

namespace Synthstage.Upscaling;

/// <summary>
/// An <see cref="UpscalerChoice"/> made concrete for one job: the method actually used, its integer factor, and for
/// ESRGAN the installed model file. Two jobs with equal resolved upscalers enlarge identically, so this (not the
/// choice: <c>auto</c> depends on what is installed) is what resume keys and manifests record.
/// </summary>
/// <param name="Kind">Cubic, Lanczos or Esrgan (never Auto).</param>
/// <param name="Factor">The enlargement before any cover resampling (1 for cubic).</param>
/// <param name="Model">The ESRGAN model, or null.</param>
/// <param name="ModelPath">Its installed ONNX file, or null.</param>
/// <param name="Automatic">True when <c>auto</c> chose this.</param>
public sealed record ResolvedUpscaler(UpscalerKind Kind, int Factor, EsrganModel? Model = null, string? ModelPath = null, bool Automatic = false)
{
    /// <summary>Cover resampling only.</summary>
    public static ResolvedUpscaler Cubic(bool automatic = false) => new(UpscalerKind.Cubic, 1, Automatic: automatic);

    /// <summary>The method's name: <c>cubic</c>, <c>lanczos-x2</c>, <c>esrgan-x4</c>, <c>medium-x2</c>.</summary>
    public string Name => Kind switch
    {
        UpscalerKind.Esrgan => Model!.Name,
        UpscalerKind.Lanczos => "lanczos-x" + Factor,
        _ => "cubic",
    };

    /// <summary>The frame upscaler of <see cref="Factor"/>, or null for cubic (nothing to do before the cover).</summary>
    /// <param name="options">Tiling and threads of a super-resolution model; null for the defaults.</param>
    public IFrameUpscaler? CreateFrameUpscaler(SuperResolutionOptions? options = null) => Kind switch
    {
        UpscalerKind.Esrgan => SuperResolutionUpscaler.Create(ModelPath!, options),
        UpscalerKind.Lanczos when Factor > 1 => new LanczosUpscaler(Factor),
        _ => null,
    };

    /// <summary><paramref name="image"/> enlarged <see cref="Factor"/> times (the same image for cubic).</summary>
    public RgbImage Enlarge(RgbImage image, SuperResolutionOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var upscaler = CreateFrameUpscaler(options);
        switch (upscaler)
        {
            case null:
                return image;
            case SuperResolutionUpscaler model:
                return model.Upscale(image, ct);
            default:
                var pixels = new byte[image.Width * Factor * image.Height * Factor * 3];
                upscaler.Upscale(image.Pixels, image.Width, image.Height, pixels);
                return new RgbImage(image.Width * Factor, image.Height * Factor, pixels);
        }
    }

    /// <summary>Lists the ESRGAN model file (catalog id, licence from the catalog: MIT) in a manifest record under <paramref name="role"/>.</summary>
    public void AddModelTo(ProvenanceRecord record, string role)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Kind == UpscalerKind.Esrgan) record.AddModel(role, Model!.ModelId, ModelPath!);
    }
}
