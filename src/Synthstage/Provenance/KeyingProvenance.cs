using System.Globalization;
using Synthstage.Compositing;
using Synthstage.Pose;
using Synthstage.Segmentation;
using Synthstage.Video;

namespace Synthstage.Provenance;

/// <summary>Builds the manifest record of <c>matte</c> and <c>composite</c> renders from their options.</summary>
public static class KeyingProvenance
{
    /// <summary>The record of a composite over <paramref name="background"/>: the subject is captured, the background replaced.</summary>
    public static ProvenanceRecord ForComposite(BackgroundSpec background)
    {
        var record = new ProvenanceRecord("composite").AddPart("subject", "captured", "keyed out of the input footage by person segmentation");
        switch (background)
        {
            case BackgroundSpec.Image image:
                record.AddInput("background", image.Path).Set("background", "image " + Path.GetFileName(image.Path))
                    .AddPart("background", "replaced", "image " + Path.GetFileName(image.Path));
                break;
            case BackgroundSpec.Solid solid:
                var colour = string.Create(CultureInfo.InvariantCulture, $"#{solid.R:x2}{solid.G:x2}{solid.B:x2}");
                record.Set("background", colour).AddPart("background", "replaced", "solid colour " + colour);
                break;
            default:
                record.Set("background", "blur").AddPart("background", "captured", "the input frame, blurred");
                break;
        }
        return record;
    }

    /// <summary>The record of a matte render: the subject (and its colours, for alpha output) is captured.</summary>
    public static ProvenanceRecord ForMatte(bool alpha) =>
        new ProvenanceRecord("matte").Set("kind", alpha ? "alpha" : "mask")
            .AddPart("subject", "captured", alpha ? "input frame with the segmentation matte as alpha" : "segmentation matte of the input (grey mask)");

    /// <summary>Completes the job's record (or a plain one) with the footage, the keying settings and the segmentation model.</summary>
    internal static ProvenanceRecord Describe(string inputPath, KeyingOptions options, int width, int height)
    {
        var record = options.ProvenanceRecord ?? new ProvenanceRecord("matte");
        record.AddInput("footage", inputPath)
            .Set("model", options.Model)
            .Set("threshold", options.Matte.Threshold.ToString(CultureInfo.InvariantCulture))
            .Set("softness", options.Matte.Softness.ToString(CultureInfo.InvariantCulture))
            .Set("feather", options.Matte.Feather.ToString(CultureInfo.InvariantCulture))
            .Set("smoothing", options.Matte.Smoothing.ToString(CultureInfo.InvariantCulture))
            .Set("refine", options.Matte.Refine == MatteRefinement.Guided
                ? string.Create(CultureInfo.InvariantCulture, $"guided (radius {options.Matte.RefineRadius}, epsilon {options.Matte.RefineEpsilon}, clip {options.Matte.ClipBlack}..{options.Matte.ClipWhite})")
                : "off")
            .Set("crf", options.Crf.ToString(CultureInfo.InvariantCulture))
            .Set("preset", options.Preset)
            .Set("audio", options.KeepAudio ? "copied" : "dropped")
            .Set("size", string.Create(CultureInfo.InvariantCulture, $"{width}x{height}"));
        if (options.Format is { } format) record.Set("format", format.ToString().ToLowerInvariant());
        var choice = SegmentationModelResolver.ChooseVariant(options.Model, width, height);
        if (choice is "general" or "landscape")
            record.AddModel("segmentation", SelfieModelInstaller.ModelId, SelfieModelInstaller.ModelPath(options.Store, choice));
        else if (PoseSegmenter.ModelNames.TryGetValue(choice, out var variant))
            record.AddModel("person detection", PoseModelInstaller.ModelId, PoseModelInstaller.ModelPath(options.Store, PoseModelInstaller.Detector))
                .AddModel("segmentation", PoseModelInstaller.ModelId, PoseModelInstaller.ModelPath(options.Store, variant))
                .Set("crop smoothing", options.PoseTracking.CropSmoothing ? "on" : "off")
                .Set("heatmap refinement", options.PoseTracking.HeatmapRefinement ? "on" : "off");
        else if (File.Exists(choice))
            record.AddModel("segmentation", Path.GetFileName(choice), choice, "unknown (user-supplied file)");
        else
            record.AddModel("segmentation", choice, choice);
        return record;
    }
}
