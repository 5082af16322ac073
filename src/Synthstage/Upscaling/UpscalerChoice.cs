namespace Synthstage.Upscaling;

/// <summary>What was asked for: <c>auto</c>, <c>cubic</c>, <c>lanczos</c>, or an ESRGAN model by name (<c>esrgan-x2</c>, <c>medium-x4</c>).</summary>
/// <param name="Kind">The method.</param>
/// <param name="Model">The model, for <see cref="UpscalerKind.Esrgan"/> only.</param>
public sealed record UpscalerChoice(UpscalerKind Kind, EsrganModel? Model = null)
{
    /// <summary>The installed ESRGAN when there is one, else the plain filter; never installs anything.</summary>
    public static UpscalerChoice Auto { get; } = new(UpscalerKind.Auto);

    /// <summary>Cover resampling only.</summary>
    public static UpscalerChoice Cubic { get; } = new(UpscalerKind.Cubic);

    /// <summary>Lanczos-3 by an integer factor.</summary>
    public static UpscalerChoice Lanczos { get; } = new(UpscalerKind.Lanczos);

    /// <summary>Every name <see cref="Parse"/> reads, in help order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "cubic", "lanczos", .. EsrganModel.Names];

    /// <summary>A named ESRGAN model (installed on first use, like <c>synthstage upscale</c> does).</summary>
    public static UpscalerChoice Of(EsrganModel model) => new(UpscalerKind.Esrgan, model ?? throw new ArgumentNullException(nameof(model)));

    /// <summary>The name <see cref="Parse"/> reads back.</summary>
    public string Name => Kind == UpscalerKind.Esrgan ? Model!.Name : Kind.ToString().ToLowerInvariant();

    /// <summary>Reads one of <see cref="Names"/> (case-insensitive).</summary>
    /// <exception cref="SynthstageException">Any other word (Usage).</exception>
    public static UpscalerChoice Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "auto" => Auto,
            "cubic" => Cubic,
            "lanczos" => Lanczos,
            _ => TryModel(name) ?? throw new SynthstageException($"unknown upscaler '{name}'; use one of {string.Join(", ", Names)}", ExitCodes.Usage),
        };
    }

    private static UpscalerChoice? TryModel(string name)
    {
        try
        {
            return Of(EsrganModel.Parse(name));
        }
        catch (SynthstageException)
        {
            return null;
        }
    }
}
