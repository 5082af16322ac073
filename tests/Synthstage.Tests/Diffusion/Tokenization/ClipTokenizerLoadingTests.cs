using Synthstage.Diffusion.Tokenization;

namespace Synthstage.Tests.Diffusion.Tokenization;

/// <summary>Loading <see cref="ClipTokenizer"/> from files and model folders, and the padding token choice.</summary>
public sealed class ClipTokenizerLoadingTests(ClipTokenizerFixture fixture) : IClassFixture<ClipTokenizerFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-clip-load-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissingVocabularyNamesTheFile()
    {
        var e = Assert.Throws<SynthstageException>(() => ClipTokenizer.FromModelFolder(_dir));
        Assert.Equal(ExitCodes.BadModel, e.ExitCode);
        Assert.Contains(Path.Combine("tokenizer", "vocab.json"), e.Message);
    }

    [Fact]
    public void MissingMergesNamesTheFile()
    {
        _ = fixture.Tokenizer;
        var tokenizer = Directory.CreateDirectory(Path.Combine(_dir, "tokenizer")).FullName;
        File.Copy(fixture.VocabPath, Path.Combine(tokenizer, "vocab.json"));
        var e = Assert.Throws<SynthstageException>(() => ClipTokenizer.FromModelFolder(_dir));
        Assert.Equal(ExitCodes.BadModel, e.ExitCode);
        Assert.Contains("merges.txt", e.Message);
    }

    [Fact]
    public void VocabularyWithoutSpecialTokensIsABadModel()
    {
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), """{"a": 0, "b": 1, "ab": 2, "a</w>": 3, "b</w>": 4, "ab</w>": 5}""");
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\na b\n");
        var e = Assert.Throws<SynthstageException>(() => ClipTokenizer.Create(Path.Combine(_dir, "vocab.json"), Path.Combine(_dir, "merges.txt")));
        Assert.Equal(ExitCodes.BadModel, e.ExitCode);
        Assert.Contains("<|startoftext|>", e.Message);
    }

    [Theory]
    [InlineData("""{"pad_token": "!"}""")]
    [InlineData("""{"pad_token": {"content": "!", "lstrip": false}}""")]
    public void SD2PadTokenComesFromSpecialTokensMap(string map)
    {
        var tokenizer = CopyWith("special_tokens_map.json", map);
        Assert.Equal(0, tokenizer.PadId);
        var ids = tokenizer.Encode("a photo of a cat").Ids;
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407, .. Enumerable.Repeat(0, 70)], ids);
        Assert.Equal("wow !", tokenizer.Decode(tokenizer.Encode("wow!").Ids));
    }

    [Fact]
    public void PadTokenFallsBackToTokenizerConfig()
    {
        var tokenizer = CopyWith("tokenizer_config.json", """{"model_max_length": 77, "pad_token": "<|endoftext|>"}""");
        Assert.Equal(49407, tokenizer.PadId);
    }

    [Fact]
    public void UnknownPadTokenIsABadModel()
    {
        var e = Assert.Throws<SynthstageException>(() => CopyWith("special_tokens_map.json", """{"pad_token": "<pad>"}"""));
        Assert.Equal(ExitCodes.BadModel, e.ExitCode);
        Assert.Contains("<pad>", e.Message);
    }

    private ClipTokenizer CopyWith(string name, string json)
    {
        _ = fixture.Tokenizer;
        File.Copy(fixture.VocabPath, Path.Combine(_dir, "vocab.json"));
        File.Copy(fixture.MergesPath, Path.Combine(_dir, "merges.txt"));
        File.WriteAllText(Path.Combine(_dir, name), json);
        return ClipTokenizer.Create(Path.Combine(_dir, "vocab.json"), Path.Combine(_dir, "merges.txt"));
    }
}
