namespace Synthstage.Tests;

/// <summary>
/// Locates the team's test data in ../shared (beside the repository root) and the ffmpeg tools,
/// and skips the calling test with a clear reason when either is absent.
/// </summary>
public static class SharedData
{
    /// <summary>The repository root, found by walking up from the test binary to Synthstage.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The shared data folder (../shared/data from the repository root).</summary>
    public static string DataFolder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));

    /// <summary>Returns the full path of a shared data file, or skips the test when it is missing.</summary>
    public static string Require(string relativePath)
    {
        var path = Path.Combine(DataFolder, relativePath);
        if (!File.Exists(path))
            Assert.Skip($"shared test data '{relativePath}' is absent (expected at {path}); place ../shared beside the repository to run this test");
        return path;
    }

    /// <summary>Skips the test when ffmpeg or ffprobe is not on PATH.</summary>
    public static void RequireFfmpeg()
    {
        if (!OnPath("ffmpeg") || !OnPath("ffprobe"))
            Assert.Skip("ffmpeg/ffprobe not found on PATH; install them (apt-get install -y ffmpeg) to run this test");
    }

    /// <summary>True when an executable of that name is on PATH.</summary>
    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Synthstage.sln"))) return dir.FullName;
        throw new InvalidOperationException("Synthstage.sln not found above " + AppContext.BaseDirectory);
    }
}
