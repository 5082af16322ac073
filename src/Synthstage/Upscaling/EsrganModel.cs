namespace Synthstage.Upscaling;

/// <summary>One of UpscalerJS's ESRGAN super-resolution models: a size (slim or medium) and a scale factor.</summary>
/// <param name="Size">"slim" (2 residual dense blocks, fastest) or "medium" (10 blocks).</param>
/// <param name="Scale">2, 3, 4 or 8.</param>
public sealed record EsrganModel(string Size, int Scale)
{
    /// <summary>The names <see cref="Parse"/> accepts, as the CLI lists them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. new[] { 2, 3, 4, 8 }.Select(s => $"esrgan-x{s}"), .. new[] { 2, 3, 4, 8 }.Select(s => $"medium-x{s}")];

    /// <summary>Catalog id of the package this model comes from (<c>esrgan-slim</c> or <c>esrgan-medium</c>).</summary>
    public string ModelId => "esrgan-" + Size;

    /// <summary>The scale folder in the package and the installed file's stem (<c>x2</c>).</summary>
    public string Variant => "x" + Scale;

    /// <summary>The name <see cref="Parse"/> reads back (<c>esrgan-x2</c>, <c>medium-x4</c>).</summary>
    public string Name => (Size == "slim" ? "esrgan" : Size) + "-" + Variant;

    /// <summary>
    /// Reads <c>esrgan-x2|x3|x4|x8</c> (slim) and <c>medium-x2|x3|x4|x8</c>; the long forms
    /// <c>esrgan-slim-x2</c> and <c>esrgan-medium-x4</c> work too. Case-insensitive.
    /// </summary>
    /// <exception cref="SynthstageException">Not one of those names, for example a scale the models do not have (Usage).</exception>
    public static EsrganModel Parse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n.StartsWith("esrgan-slim-", StringComparison.Ordinal)) n = "esrgan-" + n["esrgan-slim-".Length..];
        if (n.StartsWith("esrgan-medium-", StringComparison.Ordinal)) n = "medium-" + n["esrgan-medium-".Length..];
        var dash = n.LastIndexOf("-x", StringComparison.Ordinal);
        if (dash > 0 && n[..dash] is "esrgan" or "medium" && int.TryParse(n[(dash + 2)..], out var scale) && scale is 2 or 3 or 4 or 8)
            return new EsrganModel(n[..dash] == "esrgan" ? "slim" : "medium", scale);
        throw new SynthstageException($"unknown super-resolution model '{name}'; use one of {string.Join(", ", Names)}", ExitCodes.Usage);
    }
}
