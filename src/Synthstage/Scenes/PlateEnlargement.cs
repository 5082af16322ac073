using System.Diagnostics;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Upscaling;

namespace Synthstage.Scenes;

/// <summary>
/// The scene plate enlarged toward the frame before the cover resampling fits it exactly: generated at the model's
/// native size, super-resolved by an integer factor (ESRGAN or Lanczos), or left to the cubic cover alone. A
/// super-resolved plate is cached in the <c>enlarged</c> folder beside the generated one, keyed by the plate and the resolved upscaler.
/// </summary>
public sealed class PlateEnlargement : ISettingsDescription
{
    /// <summary>The settings name in resume keys and manifests.</summary>
    public const string SettingName = "plate-upscale";

    private PlateEnlargement(ResolvedUpscaler upscaler, RgbImage image, bool fromCache, TimeSpan elapsed)
    {
        Upscaler = upscaler;
        Image = image;
        FromCache = fromCache;
        Elapsed = elapsed;
    }

    /// <summary>The method used.</summary>
    public ResolvedUpscaler Upscaler { get; }

    /// <summary>The enlarged plate (the generated one itself for cubic).</summary>
    public RgbImage Image { get; }

    /// <summary>True when the enlarged plate came from the cache.</summary>
    public bool FromCache { get; }

    /// <summary>Time spent super-resolving (zero from the cache or for cubic).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Resolves <paramref name="choice"/> for frames of frameWidth×frameHeight and enlarges <paramref name="plate"/>.</summary>
    /// <param name="plate">The generated plate (its cache folder holds the enlarged one).</param>
    /// <param name="choice">auto, cubic, lanczos or an ESRGAN model (a named model installs on first use).</param>
    /// <param name="motion">The camera move: a pan or zoom covers a plate larger than the frame.</param>
    /// <param name="frameWidth">Output frame width.</param>
    /// <param name="frameHeight">Output frame height.</param>
    /// <param name="store">Where ESRGAN models are installed.</param>
    /// <param name="progress">Install and "upscale" progress.</param>
    /// <param name="ct">Cancels the install or between tiles.</param>
    public static async Task<PlateEnlargement> CreateAsync(ScenePlate plate, UpscalerChoice choice, PlateMotion motion, int frameWidth, int frameHeight,
        ModelStore store, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plate);
        ArgumentNullException.ThrowIfNull(motion);
        var (width, height) = motion.PlateSize(frameWidth, frameHeight);
        var needed = Math.Max((double)width / plate.Image.Width, (double)height / plate.Image.Height);
        var upscaler = await UpscalerResolver.ForScaleAsync(choice, needed, store, progress, ct).ConfigureAwait(false);
        if (upscaler.Factor == 1) return new PlateEnlargement(upscaler, plate.Image, false, TimeSpan.Zero);

        // A folder of its own beside the generated plates: those stay one file per generated scene.
        var cache = new ScenePlateCache(Path.Combine(Path.GetDirectoryName(plate.CachePath)!, "enlarged"));
        var key = ScenePlateCache.EnlargedKey(Path.GetFileNameWithoutExtension(plate.CachePath), upscaler);
        if (cache.TryLoad(key) is { } hit && hit.Image.Width == plate.Image.Width * upscaler.Factor && hit.Image.Height == plate.Image.Height * upscaler.Factor)
            return new PlateEnlargement(upscaler, hit.Image, true, TimeSpan.Zero);
        progress?.Report(new PipelineProgress("upscale", 0, 1, $"{plate.Image.Width}×{plate.Image.Height} {upscaler.Name}"));
        var clock = Stopwatch.StartNew();
        var image = await Task.Run(() => upscaler.Enlarge(plate.Image, null, ct), ct).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        cache.Save(key, image);
        progress?.Report(new PipelineProgress("upscale", 1, 1));
        return new PlateEnlargement(upscaler, image, false, elapsed);
    }

    /// <summary>Writes the method used; an ESRGAN model as its file, so a model replaced in place is another setting on resume.</summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Upscaler.ModelPath is { } path) writer.AddFile(SettingName, Upscaler.Name, path);
        else writer.Add(SettingName, Upscaler.Name);
    }
}
