using Synthstage.Diffusion.Tokenization;

namespace Synthstage.Tests.Diffusion.Tokenization;

/// <summary>
/// Exactness of <see cref="ClipTokenizer"/> against ids published for CLIP ViT-L/14's tokenizer (PRODUCT.md reference
/// facts) and against properties of CLIP's vocabulary layout: ids 0–255 are the byte symbols in GPT-2's
/// bytes_to_unicode order (printable ASCII from '!' first), 256–511 the same with &lt;/w&gt;.
/// </summary>
public sealed class ClipTokenizerTests(ClipTokenizerFixture fixture) : IClassFixture<ClipTokenizerFixture>
{
    private const int Bos = 49406;
    private const int Eos = 49407;

    private ClipTokenizer Tokenizer => fixture.Tokenizer;

    // "0</w>" is 256 + ('0' - '!').
    private static int DigitId(char digit) => 256 + (digit - '!');

    private static int[] Padded(params int[] kept) =>
        [.. kept, .. Enumerable.Repeat(Eos, 77 - kept.Length)];

    [Theory]
    [InlineData("a photo of a cat", new[] { Bos, 320, 1125, 539, 320, 2368, Eos })]
    [InlineData("hello world", new[] { Bos, 3306, 1002, Eos })]
    [InlineData("an astronaut riding a horse on mars", new[] { Bos, 550, 18376, 6765, 320, 4558, 525, 7496, Eos })]
    public void PublishedPromptsGiveCLIPsIds(string prompt, int[] expected)
    {
        var result = Tokenizer.Encode(prompt);
        Assert.Equal(Padded(expected), result.Ids);
        Assert.Equal(expected.Length, result.TokenCount);
        Assert.Equal(expected.Length, result.Tokens.Count);
        Assert.Null(result.TruncatedText);
    }

    [Fact]
    public void TokensAreTheBpeStringsIncludingSpecials()
    {
        var result = Tokenizer.Encode("a photo of a cat");
        Assert.Equal(["<|startoftext|>", "a</w>", "photo</w>", "of</w>", "a</w>", "cat</w>", "<|endoftext|>"], result.Tokens);
    }

    [Fact]
    public void SpecialIdsAndLengthAreSD1Defaults()
    {
        Assert.Equal(Bos, Tokenizer.BosId);
        Assert.Equal(Eos, Tokenizer.EosId);
        Assert.Equal(Eos, Tokenizer.PadId);
        Assert.Equal(77, Tokenizer.MaxLength);
    }

    [Fact]
    public void DigitsSplitOneTokenEach()
    {
        var result = Tokenizer.Encode("2024");
        Assert.Equal(Padded(Bos, DigitId('2'), DigitId('0'), DigitId('2'), DigitId('4'), Eos), result.Ids);
        Assert.Equal(["<|startoftext|>", "2</w>", "0</w>", "2</w>", "4</w>", "<|endoftext|>"], result.Tokens);
    }

    [Fact]
    public void ContractionsSplitOffTheApostrophe()
    {
        var result = Tokenizer.Encode("don't");
        Assert.Equal(["<|startoftext|>", "don</w>", "'t</w>", "<|endoftext|>"], result.Tokens);
        Assert.Equal(Tokenizer.Encode("don 't").Ids, result.Ids);
    }

    [Fact]
    public void UppercaseEncodesAsLowercase() =>
        Assert.Equal(Tokenizer.Encode("a photo of a cat").Ids, Tokenizer.Encode("A Photo OF a CAT").Ids);

    [Fact]
    public void WhitespaceRunsCollapse() =>
        Assert.Equal(Tokenizer.Encode("a photo of a cat").Ids, Tokenizer.Encode("  a \t photo\n\nof \u00A0 a   cat \r\n").Ids);

    [Fact]
    public void HtmlEntitiesAreUnescapedTwice() =>
        Assert.Equal(Tokenizer.Encode("salt & pepper").Ids, Tokenizer.Encode("salt &amp;amp; pepper").Ids);

    [Theory]
    [InlineData("café", "café")]
    [InlineData("Café au lait", "café au lait")]
    [InlineData("東京", "東京")]
    [InlineData("a 🙂 face", "a 🙂 face")]
    [InlineData("ÉTÉ à Paris 🗼 東京タワー", "été à paris 🗼 東京タワー")]
    public void NonAsciiBecomesByteLevelTokensThatRoundTrip(string prompt, string lowercase)
    {
        var result = Tokenizer.Encode(prompt);
        Assert.True(result.TokenCount > 2);
        Assert.Equal(lowercase, Tokenizer.Decode(result.Ids));
    }

    [Fact]
    public void NonAsciiTokensAreUtf8BytesInGpt2Symbols()
    {
        // é is UTF-8 C3 A9, which bytes_to_unicode maps to 'Ã' and '©'.
        var tokens = Tokenizer.Encode("café").Tokens;
        Assert.Equal("cafÃ©", string.Concat(tokens.Skip(1).SkipLast(1)).Replace("</w>", "", StringComparison.Ordinal));
        Assert.EndsWith("</w>", tokens[^2], StringComparison.Ordinal);
    }

    [Fact]
    public void ComposedAndDecomposedAccentsEncodeAlike()
    {
        if ("e\u0301".Normalize() != "\u00E9")
            Assert.Skip("Unicode normalization is unavailable (InvariantGlobalization); ClipTextNormalizer documents the gap");
        Assert.Equal(Tokenizer.Encode("caf\u00E9").Ids, Tokenizer.Encode("cafe\u0301").Ids);
    }

    [Fact]
    public void EmptyPromptIsBosEosAndPadding()
    {
        var result = Tokenizer.Encode("");
        Assert.Equal(Padded(Bos, Eos), result.Ids);
        Assert.Equal(2, result.TokenCount);
        Assert.Equal(["<|startoftext|>", "<|endoftext|>"], result.Tokens);
        Assert.Null(result.TruncatedText);
    }

    [Fact]
    public void WhitespaceOnlyPromptIsTheEmptyPrompt() =>
        Assert.Equal(Tokenizer.Encode("").Ids, Tokenizer.Encode(" \t\n  ").Ids);

    [Fact]
    public void SeventyFiveTokensFitExactly()
    {
        var result = Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("a", 75)));
        Assert.Equal(77, result.TokenCount);
        Assert.Null(result.TruncatedText);
        Assert.Equal(Eos, result.Ids[76]);
    }

    [Fact]
    public void LongPromptKeeps75TokensAndNamesTheDroppedWords()
    {
        var result = Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("a", 75)) + " photo of a Cat");
        Assert.Equal(77, result.TokenCount);
        Assert.Equal(77, result.Tokens.Count);
        Assert.Equal(Bos, result.Ids[0]);
        Assert.All(result.Ids[1..76], id => Assert.Equal(320, id));
        Assert.Equal(Eos, result.Ids[76]);
        Assert.Equal("photo of a cat", result.TruncatedText);
    }

    [Fact]
    public void TruncationBetweenDigitsReportsTheRest()
    {
        var result = Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("a", 74)) + " 2024 cats");
        Assert.Equal(DigitId('2'), result.Ids[75]);
        Assert.Equal("024 cats", result.TruncatedText);
    }

    [Fact]
    public void TruncationInsideAWordReportsItsDroppedPieces()
    {
        const string word = "zxqvjkw";
        var alone = Tokenizer.Encode(word);
        Assert.True(alone.TokenCount >= 4, "precondition: the word splits into at least two BPE tokens");
        var pieces = alone.Tokens.Skip(1).SkipLast(1).Select(t => t.Replace("</w>", "", StringComparison.Ordinal)).ToList();

        var result = Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("a", 74)) + " " + word + " cat");
        Assert.Equal(alone.Ids[1], result.Ids[75]);
        Assert.Equal(string.Concat(pieces.Skip(1)) + " cat", result.TruncatedText);
        Assert.Equal(word, pieces[0] + string.Concat(pieces.Skip(1)));
    }

    [Fact]
    public void SpecialTokenTextMapsToItsId()
    {
        var result = Tokenizer.Encode("a<|endoftext|>cat");
        Assert.Equal(Padded(Bos, 320, Eos, 2368, Eos), result.Ids);
    }

    [Fact]
    public void RepeatedEncodingIsStable() =>
        Assert.Equal(Tokenizer.Encode("an astronaut riding a horse on mars").Ids, Tokenizer.Encode("an astronaut riding a horse on mars").Ids);
}
