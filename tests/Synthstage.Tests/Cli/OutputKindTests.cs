namespace Synthstage.Tests.Cli;

/// <summary>A video into a single PNG is a usage error (exit 2, one line) from every command that renders, before anything renders.</summary>
public sealed class OutputKindTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-kind-").FullName;
    private readonly string _home = Directory.CreateTempSubdirectory("ss-cli-kind-home-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_home, recursive: true);
    }

    public static TheoryData<string[]> Commands => new()
    {
        { ["composite", "--background", "#112233"] },
        { ["matte"] },
        { ["composite", "--prompt", "a beach at dusk", "--seed", "1"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task AVideoIntoOnePngExits2WithOneLine(string[] command)
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var output = Path.Combine(_dir, "out.png");
        // An empty home: a command that went on to load or install a model would fail differently (or download it).
        var (code, _, stderr) = await CliProcess.RunAsync(new Dictionary<string, string> { ["SYNTHSTAGE_HOME"] = _home },
            [command[0], coffee, .. command[1..], "-o", output]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal($"error: 'coffee.mp4' is a video (287 frames) and '{output}' is a single PNG; write .mp4/.webm/.mov or a folder for a PNG sequence",
            Assert.Single(stderr.Trim().Split('\n')));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
        Assert.Empty(Directory.GetFileSystemEntries(_home));
    }
}
