using System.Net;

namespace Synthstage.Studio.Tests.Api;

/// <summary>No request reads a file outside the data folder, however the path is spelled.</summary>
public sealed class DataFolderTests
{
    [Theory]
    [InlineData("../studio.db")]
    [InlineData("uploads/../../secret.mp4")]
    [InlineData("/etc/passwd")]
    [InlineData("..%2Fsecret.mp4")]
    [InlineData("..%252Fsecret.mp4")]
    [InlineData("..\\secret.mp4")]
    [InlineData("uploads/%2E%2E/%2E%2E/secret.mp4")]
    public async Task Paths_that_leave_the_data_folder_are_refused(string path)
    {
        using var host = new StudioHost();
        using var client = host.Client();
        // A file outside the data folder, beside it, that every spelling above aims at.
        var outside = Path.Combine(Path.GetDirectoryName(host.DataFolder)!, "secret.mp4");
        await File.WriteAllTextAsync(outside, "TOP-SECRET-CONTENT", TestContext.Current.CancellationToken);
        var info = await client.GetAsync("/api/clips/info?path=" + Uri.EscapeDataString(path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, info.StatusCode);
        Assert.Contains("not a file in the data folder", await SecurityTests.ErrorOf(info), StringComparison.Ordinal);
        var file = await client.GetAsync("/api/files/" + path, TestContext.Current.CancellationToken);
        Assert.NotEqual(HttpStatusCode.OK, file.StatusCode);
        Assert.DoesNotContain("TOP-SECRET-CONTENT", await file.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symbolic_link_out_of_the_data_folder_is_not_followed()
    {
        using var host = new StudioHost();
        using var client = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/clips", TestContext.Current.CancellationToken)).StatusCode);
        var outsideFolder = Path.Combine(Path.GetDirectoryName(host.DataFolder)!, "outside-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(outsideFolder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outsideFolder, "clip.mp4"), "OUTSIDE-CONTENT", TestContext.Current.CancellationToken);
            File.CreateSymbolicLink(Path.Combine(host.DataFolder, "linked.mp4"), Path.Combine(outsideFolder, "clip.mp4"));
            Directory.CreateSymbolicLink(Path.Combine(host.DataFolder, "linked-folder"), outsideFolder);
            foreach (var path in new[] { "linked.mp4", "linked-folder/clip.mp4" })
            {
                var file = await client.GetAsync("/api/files/" + path, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.BadRequest, file.StatusCode);
                Assert.DoesNotContain("OUTSIDE-CONTENT", await file.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
            var listed = await client.GetStringAsync("/api/clips", TestContext.Current.CancellationToken);
            Assert.DoesNotContain("linked", listed, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outsideFolder, recursive: true);
        }
    }
}
