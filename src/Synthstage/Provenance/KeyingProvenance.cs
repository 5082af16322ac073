using System.Globalization;
using Synthstage.Models;
using Synthstage.Pose;
using Synthstage.Segmentation;

namespace Synthstage.Provenance;

/// <summary>Builds the manifest record of <c>matte</c> and <c>composite</c> renders.</summary>
public static class KeyingProvenance
{
    /// <summary>The record of a matte render: the subject (and its colours, for alpha output) is captured.</summary>
    public static ProvenanceRecord ForMatte(bool alpha) =>
        new ProvenanceRecord("matte").Set("kind", alpha ? "alpha" : "mask")
            .AddPart("subject", "captured", alpha ? "input frame with the segmentation matte as alpha" : "segmentation matte of the input (grey mask)");

    /// <summary>
    /// Completes a job's record with the footage, the render's <paramref name="settings"/> (the same list its resume
    /// key is built from), the frame size and the segmentation model's files.
    /// </summary>
    /// <param name="record">The job's record; changed in place and returned.</param>
    /// <param name="inputPath">The footage (hashed when the manifest is written).</param>
    /// <param name="settings">Every setting the render's descriptions wrote, by name.</param>
    /// <param name="model">The segmentation model as named in the keying options.</param>
    /// <param name="store">Where the model is installed.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    public static ProvenanceRecord Describe(ProvenanceRecord record, string inputPath, IReadOnlyList<Setting> settings, string model,
        ModelStore store, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(settings);
        record.AddInput("footage", inputPath);
        record.Set(settings);
        record.Set("size", string.Create(CultureInfo.InvariantCulture, $"{width}x{height}"));
        var choice = SegmentationModelResolver.ChooseVariant(model, width, height);
        if (SegmentationModelResolver.FusedModels.TryGetValue(choice, out var fusedPose))
        {
            record.AddModel("segmentation", SelfieModelInstaller.ModelId, SelfieModelInstaller.ModelPath(store, "general"));
            choice = fusedPose;
        }
        if (choice is "general" or "landscape")
            record.AddModel("segmentation", SelfieModelInstaller.ModelId, SelfieModelInstaller.ModelPath(store, choice));
        else if (PoseSegmenter.ModelNames.TryGetValue(choice, out var variant))
            record.AddModel("person detection", PoseModelInstaller.ModelId, PoseModelInstaller.ModelPath(store, PoseModelInstaller.Detector))
                .AddModel(choice == SegmentationModelResolver.ChooseVariant(model, width, height) ? "segmentation" : "body segmentation",
                    PoseModelInstaller.ModelId, PoseModelInstaller.ModelPath(store, variant));
        else if (choice.Equals(IsNetModelInstaller.ModelId, StringComparison.OrdinalIgnoreCase) || choice.Equals(IsNetModelInstaller.Model512, StringComparison.OrdinalIgnoreCase))
            record.AddModel("segmentation", IsNetModelInstaller.ModelId,
                IsNetModelInstaller.ModelPath(store, choice.Equals(IsNetModelInstaller.Model512, StringComparison.OrdinalIgnoreCase) ? 512 : IsNetGraphResizer.ExportedSize));
        else if (File.Exists(choice))
            record.AddModel("segmentation", Path.GetFileName(choice), choice, "unknown (user-supplied file)");
        else
            record.AddModel("segmentation", choice, choice);
        return record;
    }
}
