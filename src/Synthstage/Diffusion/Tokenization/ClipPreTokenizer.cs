using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Synthstage.Diffusion.Tokenization;

/// <summary>
/// Splits cleaned text into words with CLIP's pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (case-insensitive), skipping white space.
/// </summary>
/// <remarks>
/// Written as a scanner over Unicode scalar values rather than a <see cref="RegexPreTokenizer"/>: .NET's regex sees
/// UTF-16 code units, so a letter or digit outside the Basic Multilingual Plane (𝐀, 𠀀, 𝟙) would fall into the
/// punctuation class, whereas Python's <c>regex</c> module classifies it by code point.
/// At each position the alternatives are tried in the pattern's order and the first match wins, as a regex does.
/// </remarks>
internal sealed class ClipPreTokenizer : PreTokenizer
{
    private static readonly string[] s_specials = [ClipTokenizer.StartOfText, ClipTokenizer.EndOfText];
    private static readonly string[] s_contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text.AsSpan());

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text);

    private static List<(int Offset, int Length)> Split(ReadOnlySpan<char> text)
    {
        var words = new List<(int Offset, int Length)>();
        var i = 0;
        while (i < text.Length)
        {
            var length = MatchAt(text, i);
            if (length > 0)
            {
                words.Add((i, length));
                i += length;
            }
            else
            {
                i += RuneAt(text, i, out _); // white space: no alternative matches here
            }
        }
        return words;
    }

    /// <summary>Length of the match starting at <paramref name="start"/>, or 0 when none (white space).</summary>
    private static int MatchAt(ReadOnlySpan<char> text, int start)
    {
        var rest = text[start..];
        foreach (var special in s_specials)
            if (rest.StartsWith(special, StringComparison.OrdinalIgnoreCase)) return special.Length;
        if (rest[0] == '\'')
            foreach (var contraction in s_contractions)
                if (rest.StartsWith(contraction, StringComparison.OrdinalIgnoreCase)) return contraction.Length;

        var first = RuneAt(text, start, out var rune);
        var kind = Classify(rune);
        switch (kind)
        {
            case CharClass.Number:
                return first; // [\p{N}]: one digit per word
            case CharClass.WhiteSpace:
                return 0;
        }

        // [\p{L}]+ or [^\s\p{L}\p{N}]+: extend while the class stays the same.
        var end = start + first;
        while (end < text.Length)
        {
            var width = RuneAt(text, end, out var next);
            if (Classify(next) != kind) break;
            end += width;
        }
        return end - start;
    }

    private static int RuneAt(ReadOnlySpan<char> text, int index, out Rune rune)
    {
        // A lone surrogate decodes as U+FFFD (a symbol) and still advances one code unit.
        Rune.DecodeFromUtf16(text[index..], out rune, out var consumed);
        return consumed;
    }

    private static CharClass Classify(Rune rune)
    {
        if (Rune.IsWhiteSpace(rune) || rune.Value is >= 0x1C and <= 0x1F) return CharClass.WhiteSpace;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }

    private enum CharClass { WhiteSpace, Letter, Number, Other }
}
