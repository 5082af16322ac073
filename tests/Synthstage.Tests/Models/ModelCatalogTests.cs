using Synthstage.Models;
using Synthstage.Models.Hub;

namespace Synthstage.Tests.Models;

public sealed class ModelCatalogTests
{
    [Fact]
    public void EveryEntryHasASourceALicenceAndKnownTask()
    {
        Assert.Contains(ModelCatalog.All, e => e.Id == "mediapipe-selfie" && e.Files.Count == 2 && e.Files[0].Sha256 is { Length: 64 });
        foreach (var entry in ModelCatalog.All)
        {
            Assert.Contains(entry.Task, new[] { "segmentation", "pose", "diffusion", "matting", "upscaling" });
            Assert.False(string.IsNullOrWhiteSpace(entry.Licence), entry.Id);
            Assert.False(string.IsNullOrWhiteSpace(entry.Source.Package), entry.Id);
            if (entry.Source.Kind == CatalogSource.HuggingFace) Assert.True(HubReference.IsHubName(entry.Source.Repository), entry.Id);
            if (!entry.Confirmed) Assert.Contains("not", entry.Notes);
        }
        foreach (var task in new[] { "sd15-onnx", "sd-turbo", "lcm-dreamshaper-v7", "rvm-mobilenetv3", "modnet", "mediapipe-pose" })
            Assert.NotNull(ModelCatalog.Find(task));
    }

    [Theory]
    [InlineData("sd-trubo", "sd-turbo")]
    [InlineData("modnet2", "modnet")]
    [InlineData("mediapipe-selfi", "mediapipe-selfie")]
    public void AnUnknownIdSuggestsTheNearest(string typed, string expected)
    {
        var error = Assert.Throws<SynthstageException>(() => ModelCatalog.Get(typed));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains($"did you mean '{expected}'", error.Message);
    }

    [Fact]
    public async Task PullOfAnUnknownIdSuggestsTheNearestWithoutConnecting()
    {
        var options = new HubOptions { Endpoint = "http://127.0.0.1:1", CacheFolder = Path.GetTempPath() };

        var error = await Assert.ThrowsAsync<SynthstageException>(() =>
            ModelInventory.PullAsync("sd-trubo", ModelStore.Default, options, null, TestContext.Current.CancellationToken));

        Assert.Contains("'sd-turbo'", error.Message);
    }

    [Theory]
    [InlineData("org/name", "org/name", "main")]
    [InlineData("onnxruntime/sd-turbo@v1.0", "onnxruntime/sd-turbo", "v1.0")]
    [InlineData("a/b@refs/pr/1", "a/b", "refs/pr/1")]
    public void HubNamesParse(string text, string repository, string revision)
    {
        var reference = HubReference.Parse(text);

        Assert.Equal(repository, reference.Repository);
        Assert.Equal(revision, reference.Revision);
    }
}
