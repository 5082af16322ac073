namespace Synthstage.Tests.Models;

/// <summary>The <c>synthstage models</c> commands as a child process against the fake Hub.</summary>
public sealed class ModelsCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-models-cli-").FullName;
    private readonly FakeHubServer _server = new(new Dictionary<string, (byte[], bool)>
    {
        ["unet/model.onnx"] = (new byte[200_000], true),
        ["model_index.json"] = ("{}"u8.ToArray(), false),
    });

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string> Env(string? cache = null) => new()
    {
        ["HF_ENDPOINT"] = _server.Endpoint,
        ["HF_HUB_CACHE"] = cache ?? Path.Combine(_dir, "hub"),
        ["HF_HOME"] = Path.Combine(_dir, "hf-home"),
        ["SYNTHSTAGE_HOME"] = Path.Combine(_dir, "store"),
    };

    [Fact]
    public async Task PullPathVerifyAndRmWorkOnAHubName()
    {
        var pull = await CliProcess.RunAsync(Env(), "models", "pull", FakeHubServer.Repository);
        Assert.True(pull.Code == 0, pull.Stderr);
        var snapshot = Path.Combine(_dir, "hub", "models--acme--tiny-diffusion", "snapshots", FakeHubServer.Commit);
        Assert.Contains(snapshot, pull.Stdout);

        var path = await CliProcess.RunAsync(Env(), "models", "path", FakeHubServer.Repository);
        Assert.Equal(snapshot, path.Stdout.Trim());

        var verify = await CliProcess.RunAsync(Env(), "models", "verify", FakeHubServer.Repository);
        Assert.True(verify.Code == 0, verify.Stdout + verify.Stderr);
        Assert.Equal(2, verify.Stdout.Split('\n').Count(l => l.StartsWith("ok ")));

        var rm = await CliProcess.RunAsync(Env(), "models", "rm", FakeHubServer.Repository);
        Assert.Equal(0, rm.Code);
        Assert.False(Directory.Exists(snapshot));
    }

    [Fact]
    public async Task AnUnknownIdIsAOneLineUsageErrorWithASuggestion()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(Env(), "models", "pull", "sd-trubo");

        Assert.Equal(2, code);
        Assert.Equal("error: unknown model 'sd-trubo'; did you mean 'sd-turbo'? (synthstage models list shows all)", stderr.Trim());
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task AnUnwritableCacheIsExitCode4OnOneLine()
    {
        var file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");

        var (code, _, stderr) = await CliProcess.RunAsync(Env(Path.Combine(file, "hub")), "models", "pull", FakeHubServer.Repository);

        Assert.Equal(4, code);
        Assert.StartsWith("error: cannot write to the Hugging Face cache", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task AGatedRepositoryIsOneLineWithTheTokenHint()
    {
        _server.RequiredToken = "hf_x";

        var (code, _, stderr) = await CliProcess.RunAsync(Env(), "models", "pull", FakeHubServer.Repository);

        Assert.Equal(5, code);
        Assert.Contains("set HF_TOKEN", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        // No token of the developer's (HF_TOKEN, or huggingface-cli's token file) reached the child.
        Assert.All(_server.Authorizations, Assert.Null);
    }

    [Fact]
    public async Task ListShowsSizeAndLicence()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(Env(), "models", "list");

        Assert.Equal(0, code);
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("sd-turbo") && l.Contains("GB") && l.Contains("Non-Commercial"));
        Assert.Contains(stdout.Split('\n'), l => l.StartsWith("rvm-mobilenetv3") && l.Contains("GPL-3.0") && l.Contains("not confirmed"));
    }
}
