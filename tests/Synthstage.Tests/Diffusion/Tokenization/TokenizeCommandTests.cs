using Synthstage.Tests.Forge;

namespace Synthstage.Tests.Diffusion.Tokenization;

/// <summary>Runs <c>synthstage tokenize</c> as a child process against a forged tiny model folder.</summary>
public sealed class TokenizeCommandTests(ForgedFolders forged) : IClassFixture<ForgedFolders>
{
    private string Model()
    {
        SharedData.Require("clip/bpe_simple_vocab_16e6.txt.gz");
        return forged.Get("tiny");
    }

    [Fact]
    public async Task PrintsIndexIdTokenAndTheCount()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "tokenize", "--model", Model(), "a photo of a cat");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(
            ["0 49406 <|startoftext|>", "1 320 a</w>", "2 1125 photo</w>", "3 539 of</w>", "4 320 a</w>", "5 2368 cat</w>", "6 49407 <|endoftext|>", "7 of 77 tokens"],
            stdout.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task VocabAndMergesOptionsWorkWithoutAModelFolder()
    {
        var tokenizer = Path.Combine(Model(), "tokenizer");
        var (code, stdout, _) = await CliProcess.RunAsync(null, "tokenize", "--vocab", Path.Combine(tokenizer, "vocab.json"), "--merges", Path.Combine(tokenizer, "merges.txt"), "hello world");
        Assert.Equal(0, code);
        Assert.Equal(["0 49406 <|startoftext|>", "1 3306 hello</w>", "2 1002 world</w>", "3 49407 <|endoftext|>", "4 of 77 tokens"], stdout.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task TruncationWarnsOnStderrNamingTheDroppedText()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("a", 75)) + " photo of a cat";
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "tokenize", "--model", Model(), prompt);
        Assert.Equal(0, code);
        Assert.EndsWith("77 of 77 tokens", stdout.TrimEnd());
        Assert.Equal("warning: prompt longer than 77 tokens; dropped \"photo of a cat\"", stderr.Trim());
    }

    [Fact]
    public async Task MissingTokenizerSourceIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "tokenize", "a cat");
        Assert.Equal(2, code);
        Assert.StartsWith("error: tokenize needs either --model", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task FolderWithoutTokenizerExits5NamingTheFile()
    {
        var empty = Directory.CreateTempSubdirectory("ss-tok-cli-").FullName;
        try
        {
            var (code, _, stderr) = await CliProcess.RunAsync(null, "tokenize", "--model", empty, "a cat");
            Assert.Equal(5, code);
            Assert.StartsWith("error: ", stderr);
            Assert.Contains("vocab.json", stderr);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
