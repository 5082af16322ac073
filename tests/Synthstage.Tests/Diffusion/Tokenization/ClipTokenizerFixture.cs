using Synthstage.Diffusion.Tokenization;
using Synthstage.Forge.Files;

namespace Synthstage.Tests.Diffusion.Tokenization;

/// <summary>
/// Forges CLIP's vocab.json and merges.txt (49,408 ids) from the shared <c>bpe_simple_vocab_16e6.txt.gz</c> into a
/// temporary folder once per test class, and loads a <see cref="ClipTokenizer"/> from it.
/// </summary>
public sealed class ClipTokenizerFixture : IDisposable
{
    private readonly Lazy<ClipTokenizer> _tokenizer;

    /// <summary>Prepares the lazy forge; nothing is written until a test asks for the tokenizer.</summary>
    public ClipTokenizerFixture() => _tokenizer = new Lazy<ClipTokenizer>(() =>
    {
        ClipTokenizerFiles.Write(Source!, ClipTokenizerFiles.FullVocabSize, Folder);
        return ClipTokenizer.Create(VocabPath, MergesPath);
    });

    /// <summary>Temporary folder holding vocab.json and merges.txt.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("ss-clip-tok-").FullName;

    /// <summary>Path of the forged vocab.json.</summary>
    public string VocabPath => Path.Combine(Folder, "vocab.json");

    /// <summary>Path of the forged merges.txt.</summary>
    public string MergesPath => Path.Combine(Folder, "merges.txt");

    private string? Source { get; set; }

    /// <summary>The tokenizer over the full CLIP vocabulary; skips the calling test when the shared data is absent.</summary>
    public ClipTokenizer Tokenizer
    {
        get
        {
            Source = SharedData.Require("clip/bpe_simple_vocab_16e6.txt.gz");
            return _tokenizer.Value;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
