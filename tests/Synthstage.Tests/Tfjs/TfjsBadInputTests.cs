using System.Text.Json.Nodes;
using Synthstage.Tfjs;

namespace Synthstage.Tests.Tfjs;

/// <summary>Broken or unsupported TF.js models fail with one-line BadModel errors that say what is wrong.</summary>
public class TfjsBadInputTests
{
    private static SynthstageException ImportFails(string path)
    {
        try
        {
            var e = Assert.Throws<SynthstageException>(() => TfjsImporter.ConvertToOnnx(path));
            Assert.Equal(ExitCodes.BadModel, e.ExitCode);
            Assert.DoesNotContain('\n', e.Message);
            return e;
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    [Fact]
    public void UnknownLayerIsNamedWithItsClassNameAndIndex()
    {
        var m = new TfjsTestModel();
        var x = m.Conv2D(m.Input(3), 4, 3);
        var y = m.Add("BatchNormalization", "bn_1", new JsonObject { ["axis"] = -1 }, [x]);
        var e = ImportFails(m.Save(y));
        Assert.Contains("BatchNormalization 'bn_1' (layer 2) is not supported", e.Message);
        Assert.Contains("Conv2D", e.Message); // the list of supported layers
    }

    [Fact]
    public void UnsupportedSettingNamesTheLayer()
    {
        var m = new TfjsTestModel();
        var up = m.UpSampling2D(m.Input(3), 2, 2);
        var path = m.Save(up);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"nearest\"", "\"bilinear\""));
        var e = ImportFails(path);
        Assert.Contains($"UpSampling2D '{up}' (layer 1) uses interpolation 'bilinear'", e.Message);
    }

    [Fact]
    public void ShortShardIsReportedAsTruncated()
    {
        var m = new TfjsTestModel();
        var e = ImportFails(m.Save(m.Conv2D(m.Input(3), 4, 3), shardBytesDelta: -8));
        // 3·3·3·4 + 4 = 112 floats = 448 bytes.
        Assert.Contains("group1-shard1of1.bin", e.Message);
        Assert.Contains("truncated: 440 bytes", e.Message);
        Assert.Contains("448", e.Message);
    }

    [Fact]
    public void ShardLargerThanTheManifestIsAMismatch()
    {
        var m = new TfjsTestModel();
        var e = ImportFails(m.Save(m.Conv2D(m.Input(3), 4, 3), shardBytesDelta: 4));
        Assert.Contains("has 452 bytes, but the manifest's weights need exactly 448", e.Message);
    }

    [Fact]
    public void MissingShardIsNamed()
    {
        var m = new TfjsTestModel();
        var path = m.Save(m.Conv2D(m.Input(3), 4, 3));
        File.Delete(Path.Combine(Path.GetDirectoryName(path)!, "group1-shard1of1.bin"));
        var e = ImportFails(path);
        Assert.Contains("weight shard 'group1-shard1of1.bin', which is missing", e.Message);
    }

    [Fact]
    public void KernelOfTheWrongShapeIsRejected()
    {
        var m = new TfjsTestModel();
        var conv = m.Conv2D(m.Input(3), 4, 3);
        var path = m.Save(conv);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"filters\": 4", "\"filters\": 5"));
        var e = ImportFails(path);
        Assert.Contains($"Conv2D '{conv}' (layer 1) has weight '{conv}/kernel' of shape [3, 3, 3, 4]; its config and input need [3, 3, 3, 5]", e.Message);
    }

    [Fact]
    public void NonFloatWeightsAreRejected()
    {
        var m = new TfjsTestModel();
        var path = m.Save(m.Conv2D(m.Input(3), 4, 3));
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"dtype\": \"float32\"", "\"dtype\": \"int32\""));
        Assert.Contains("is int32; only float32", ImportFails(path).Message);
    }

    [Fact]
    public void NotJsonIsRejected()
    {
        var folder = Directory.CreateTempSubdirectory("ss-tfjs-").FullName;
        var path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, "{ not json");
        Assert.Contains("is not valid JSON", ImportFails(path).Message);
    }
}
