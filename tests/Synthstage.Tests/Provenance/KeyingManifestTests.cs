using Synthstage.Compositing;
using Synthstage.Models;
using Synthstage.Pose;
using Synthstage.Provenance;
using Synthstage.Video;

namespace Synthstage.Tests.Provenance;

public sealed class KeyingManifestTests
{
    [Fact]
    public void PoseModelsAreRecordedWithTheirFilesAndLicence()
    {
        var store = new ModelStore(Directory.CreateTempSubdirectory("ss-prov-pose-").FullName);
        try
        {
            foreach (var variant in new[] { PoseModelInstaller.Detector, "full" })
            {
                var path = PoseModelInstaller.ModelPath(store, variant);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, variant);
            }
            var options = new KeyingOptions { Model = "pose-full", Store = store, Matte = new MatteOptions { Smoothing = 0.4f, Refine = MatteRefinement.Off } };

            var record = KeyingProvenance.Describe(new ProvenanceRecord("matte"), "in.mp4", SettingsWriter.Collect(options), options.Model, options.Store, 1280, 720);

            Assert.Equal(
                [("person detection", "detector.onnx", "Apache-2.0"), ("segmentation", "full.onnx", "Apache-2.0")],
                record.Models.Select(m => (m.Role, Path.GetFileName(m.Path), m.Licence)));
            Assert.Equal(PoseModelInstaller.ModelId, Assert.Single(record.Models.Select(m => m.Id).Distinct()));
            Assert.Equal("0.4", record.Parameters["smoothing"]);
            Assert.Equal("off", record.Parameters["refine"]);
            Assert.Equal("pose-full", record.Parameters["model"]);
            Assert.Equal("off", record.Parameters["crop smoothing"]);
            Assert.Equal("on", record.Parameters["heatmap refinement"]);
        }
        finally
        {
            Directory.Delete(store.Root, recursive: true);
        }
    }

    [Fact]
    public void GuidedRefinementIsRecordedWithItsSettings()
    {
        var options = new KeyingOptions { Model = "general", Matte = new MatteOptions { RefineRadius = 8, RefineEpsilon = 0.01f } };

        var record = KeyingProvenance.Describe(new ProvenanceRecord("matte"), "in.mp4", SettingsWriter.Collect(options), options.Model, options.Store, 640, 480);

        Assert.Equal("guided (radius 8, epsilon 0.01, clip 0.05..0.95)", record.Parameters["refine"]);
        Assert.Equal("0.7", record.Parameters["smoothing"]);
        Assert.Equal("Apache-2.0", Assert.Single(record.Models).Licence);
    }
}
