namespace Synthstage.Upscaling;

/// <summary>How a picture is enlarged.</summary>
public enum UpscalerKind
{
    /// <summary>The smallest installed ESRGAN (slim) factor that reaches the wanted size, else the plain filter.</summary>
    Auto,

    /// <summary>Only the cover resampling (Mitchell cubic): what plates had before super-resolution.</summary>
    Cubic,

    /// <summary>Integer-factor Lanczos-3 (<see cref="Walks.Upscaling.LanczosUpscaler"/>).</summary>
    Lanczos,

    /// <summary>A named ESRGAN model (<see cref="EsrganModel"/>).</summary>
    Esrgan,
}
