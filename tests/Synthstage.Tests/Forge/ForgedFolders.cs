using System.Collections.Concurrent;
using Synthstage.Forge;

namespace Synthstage.Tests.Forge;

/// <summary>
/// Forges tiny model folders on first use (one per option variant) into a temporary folder shared by a test class,
/// and deletes them when the class is done. Tests must call <see cref="SharedData.Require"/> first so they skip
/// without the CLIP vocabulary.
/// </summary>
public sealed class ForgedFolders : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ss-forge-").FullName;
    private readonly ConcurrentDictionary<string, Lazy<string>> _folders = new();

    /// <summary>Root folder under which variants are forged.</summary>
    public string Root => _root;

    /// <summary>The folder forged with <paramref name="configure"/> applied to tiny defaults, keyed by <paramref name="variant"/>.</summary>
    public string Get(string variant, Func<ForgeOptions, ForgeOptions>? configure = null) =>
        _folders.GetOrAdd(variant, v => new Lazy<string>(() =>
        {
            var options = new ForgeOptions
            {
                OutputDirectory = Path.Combine(_root, v),
                VocabularySource = SharedData.Require("clip/bpe_simple_vocab_16e6.txt.gz"),
                Scale = ForgeScale.Tiny,
                Seed = 1234,
            };
            options = configure?.Invoke(options) ?? options;
            StableDiffusionForge.WriteAsync(options).GetAwaiter().GetResult();
            return options.OutputDirectory;
        })).Value;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
