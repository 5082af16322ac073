using Synthstage.Models;

namespace Synthstage.Upscaling;

/// <summary>
/// Turns an <see cref="UpscalerChoice"/> into a <see cref="ResolvedUpscaler"/>. A named ESRGAN model is installed on
/// first use (npm, pinned and checksummed), as <c>synthstage upscale</c> and the default segmentation model do;
/// <c>auto</c> only looks at what is already installed, so a render never reaches the network unasked and an offline
/// machine falls back to the plain filter.
/// </summary>
public static class UpscalerResolver
{
    /// <summary>The scales UpscalerJS's ESRGAN packages have.</summary>
    public static IReadOnlyList<int> EsrganScales { get; } = [2, 3, 4, 8];

    /// <summary>
    /// For an enlargement of <paramref name="needed"/> (any real number; a cover resampling does the rest): auto picks the
    /// smallest installed slim ESRGAN factor reaching it (the largest installed when none does), or cubic when none is
    /// installed or nothing needs enlarging; lanczos the smallest integer factor reaching it (at most 8).
    /// </summary>
    public static async Task<ResolvedUpscaler> ForScaleAsync(UpscalerChoice choice, double needed, ModelStore store,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(store);
        // A hair above an integer (rounding of the cover size) does not warrant the next factor.
        var wanted = needed <= 1 + 1e-6 ? 1 : (int)Math.Ceiling(needed - 1e-6);
        switch (choice.Kind)
        {
            case UpscalerKind.Cubic:
                return ResolvedUpscaler.Cubic();
            case UpscalerKind.Lanczos:
                return new ResolvedUpscaler(UpscalerKind.Lanczos, Math.Min(8, wanted));
            case UpscalerKind.Esrgan:
                return await InstalledAsync(choice.Model!, store, progress, ct).ConfigureAwait(false);
            default:
                if (wanted == 1) return ResolvedUpscaler.Cubic(automatic: true);
                var installed = EsrganScales.Where(s => File.Exists(EsrganModelInstaller.ModelPath(store, new EsrganModel("slim", s)))).ToArray();
                if (installed.Length == 0) return ResolvedUpscaler.Cubic(automatic: true);
                var scale = installed.Where(s => s >= wanted).DefaultIfEmpty(installed.Max()).Min();
                var model = new EsrganModel("slim", scale);
                return new ResolvedUpscaler(UpscalerKind.Esrgan, scale, model, EsrganModelInstaller.ModelPath(store, model), Automatic: true);
        }
    }

    /// <summary>
    /// For frames enlarged exactly <paramref name="factor"/> times (a walk's <c>--upscale</c>): auto is the slim ESRGAN of that
    /// factor when installed, else Lanczos; a named model must have that factor.
    /// </summary>
    /// <exception cref="SynthstageException">Cubic (not an integer enlargement), or a model of another factor (Usage); install failures (BadModel).</exception>
    public static async Task<ResolvedUpscaler> ForFactorAsync(UpscalerChoice choice, int factor, ModelStore store,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(store);
        CheckFactor(choice, factor);
        switch (choice.Kind)
        {
            case UpscalerKind.Esrgan:
                return await InstalledAsync(choice.Model!, store, progress, ct).ConfigureAwait(false);
            case UpscalerKind.Lanczos:
                return new ResolvedUpscaler(UpscalerKind.Lanczos, factor);
            default:
                var model = new EsrganModel("slim", factor);
                var path = EsrganModelInstaller.ModelPath(store, model);
                return EsrganScales.Contains(factor) && File.Exists(path)
                    ? new ResolvedUpscaler(UpscalerKind.Esrgan, factor, model, path, Automatic: true)
                    : new ResolvedUpscaler(UpscalerKind.Lanczos, factor, Automatic: true);
        }
    }

    /// <summary>Checks that <paramref name="choice"/> can enlarge frames exactly <paramref name="factor"/> times.</summary>
    /// <exception cref="SynthstageException">It cannot (Usage).</exception>
    public static void CheckFactor(UpscalerChoice choice, int factor)
    {
        ArgumentNullException.ThrowIfNull(choice);
        if (choice.Kind == UpscalerKind.Cubic)
            throw new SynthstageException("frames are enlarged by an integer factor: use auto, lanczos or an ESRGAN model, not cubic", ExitCodes.Usage);
        if (choice.Kind != UpscalerKind.Esrgan) return;
        if (!EsrganScales.Contains(factor))
            throw new SynthstageException(factor == 1
                ? "an ESRGAN model needs an upscale of 2, 3, 4 or 8"
                : $"the ESRGAN models enlarge ×2, ×3, ×4 or ×8, not ×{factor}; use lanczos for ×{factor}", ExitCodes.Usage);
        if (choice.Model!.Scale != factor)
            throw new SynthstageException($"{choice.Model.Name} enlarges ×{choice.Model.Scale}, not ×{factor}", ExitCodes.Usage);
    }

    private static async Task<ResolvedUpscaler> InstalledAsync(EsrganModel model, ModelStore store, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var path = await EsrganModelInstaller.EnsureInstalledAsync(store, model, progress, ct).ConfigureAwait(false);
        return new ResolvedUpscaler(UpscalerKind.Esrgan, model.Scale, model, path);
    }
}
