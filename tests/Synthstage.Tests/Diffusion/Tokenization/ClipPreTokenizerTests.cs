using Synthstage.Diffusion.Tokenization;

namespace Synthstage.Tests.Diffusion.Tokenization;

/// <summary>CLIP's word pattern, checked word by word (no vocabulary needed).</summary>
public sealed class ClipPreTokenizerTests
{
    private static string[] Words(string text) =>
        [.. new ClipPreTokenizer().PreTokenize(text).Select(w => text.Substring(w.Offset, w.Length))];

    [Theory]
    [InlineData("a photo of a cat", new[] { "a", "photo", "of", "a", "cat" })]
    [InlineData("2024", new[] { "2", "0", "2", "4" })]
    [InlineData("don't", new[] { "don", "'t" })]
    [InlineData("it's we're they've i'm we'll he'd", new[] { "it", "'s", "we", "'re", "they", "'ve", "i", "'m", "we", "'ll", "he", "'d" })]
    [InlineData("'steve", new[] { "'s", "teve" })]
    [InlineData("''s", new[] { "''", "s" })]
    [InlineData("hello, world!!", new[] { "hello", ",", "world", "!!" })]
    [InlineData("4k, 8-bit", new[] { "4", "k", ",", "8", "-", "bit" })]
    [InlineData("a<|startoftext|>b<|endoftext|>", new[] { "a", "<|startoftext|>", "b", "<|endoftext|>" })]
    [InlineData("<<|endoftext|>", new[] { "<<|", "endoftext", "|>" })]
    [InlineData("東京タワー 🙂🙂!", new[] { "東京タワー", "🙂🙂!" })]
    [InlineData("\U0001D400\U0001D401x", new[] { "\U0001D400\U0001D401x" })] // mathematical bold letters are \p{L}
    [InlineData("\U0001D7D9\U0001D7DA", new[] { "\U0001D7D9", "\U0001D7DA" })] // mathematical double-struck digits are \p{N}
    [InlineData("   ", new string[0])]
    public void SplitsLikeCLIPsPattern(string text, string[] expected) => Assert.Equal(expected, Words(text));
}
