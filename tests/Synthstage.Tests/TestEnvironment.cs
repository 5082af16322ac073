using System.Runtime.CompilerServices;

namespace Synthstage.Tests;

/// <summary>
/// Keeps the tests out of the developer's own set-up. Everything the tests install or cache — MediaPipe's npm packages,
/// the model store, the signing key, generated scenes, a Hugging Face cache — goes to one test cache:
/// <c>$SYNTHSTAGE_TEST_CACHE</c>, else <c>.cache/test</c> in the repository (git-ignored, kept between runs, so the
/// packages are fetched once and not per test). No Hugging Face token or Hub setting of the developer's reaches a test:
/// a token changes the CLI's gated-repository message and would be sent to the tests' loopback servers.
/// </summary>
/// <remarks>The test process itself runs in this environment from the moment the test assembly loads (so library
/// defaults such as <c>ModelStore.Default</c> and <c>SigningKeyStore.Default</c> point into the test cache), and
/// <see cref="CliProcess"/> gives every CLI child the same variables explicitly.</remarks>
public static class TestEnvironment
{
    /// <summary>Environment variable that moves the test cache (for example to share it between checkouts on CI).</summary>
    public const string CacheVariable = "SYNTHSTAGE_TEST_CACHE";

    /// <summary>The test cache folder.</summary>
    public static string CacheRoot { get; } = Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } root
        ? Path.GetFullPath(root)
        : Path.Combine(SharedData.RepositoryRoot, ".cache", "test");

    /// <summary>The Hugging Face home inside the test cache (its hub cache, and no token file).</summary>
    public static string HuggingFaceHome => Path.Combine(CacheRoot, "huggingface");

    /// <summary>
    /// The variables every test runs with; a null value removes the variable. The Hub variables are the ones
    /// <c>HubOptions.FromEnvironment</c> reads, plus <c>HUGGING_FACE_HUB_TOKEN</c>, the older name Python tools still honour.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Variables { get; } = new Dictionary<string, string?>
    {
        [Synthstage.Models.ModelStore.HomeVariable] = CacheRoot,
        ["HF_HOME"] = HuggingFaceHome,
        ["HF_TOKEN"] = null,
        ["HUGGING_FACE_HUB_TOKEN"] = null,
        ["HF_TOKEN_PATH"] = null,
        ["HF_HUB_CACHE"] = null,
        ["HF_ENDPOINT"] = null,
        ["HF_HUB_OFFLINE"] = null,
    };

    /// <summary>Sets <see cref="Variables"/> in a child's environment.</summary>
    public static void ApplyTo(IDictionary<string, string?> environment)
    {
        foreach (var (name, value) in Variables)
        {
            if (value is null) environment.Remove(name);
            else environment[name] = value;
        }
    }

    // Runs when the test assembly loads, before any test or test data: the library's defaults read these variables
    // each time they are asked, so no test can see the developer's values.
    [ModuleInitializer]
    internal static void IsolateThisProcess()
    {
        foreach (var (name, value) in Variables) Environment.SetEnvironmentVariable(name, value);
    }
}
