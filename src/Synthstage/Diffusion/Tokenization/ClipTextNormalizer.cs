using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Synthstage.Diffusion.Tokenization;

/// <summary>
/// CLIP's text cleanup, <c>whitespace_clean(basic_clean(text)).lower()</c> in OpenAI's <c>simple_tokenizer.py</c>:
/// Unicode NFC, HTML-unescape twice, strip, collapse every whitespace run to one space, strip, lowercase.
/// </summary>
/// <remarks>
/// NFC needs the platform's Unicode data: under <c>InvariantGlobalization</c> (Synthstage's own executables)
/// <see cref="string.Normalize(NormalizationForm)"/> leaves text unchanged, so decomposed accents ("e" + U+0301)
/// tokenize as two symbols where CLIP composes them first. Typed and pasted text is almost always NFC already.
/// ftfy's other repairs (mojibake, curly quotes, ligatures, full-width forms) are not applied; text they would change
/// can tokenize differently from OpenAI's tokenizer. Named HTML entities are the HTML 4 set and need their
/// semicolon (<see cref="WebUtility.HtmlDecode(string)"/>), where Python's <c>html.unescape</c> knows all HTML 5 names.
/// </remarks>
internal sealed class ClipTextNormalizer : Normalizer
{
    /// <inheritdoc/>
    public override string Normalize(string original)
    {
        // NFC first, as ftfy.fix_text does before CLIP unescapes.
        var text = original.IsNormalized(NormalizationForm.FormC) ? original : original.Normalize(NormalizationForm.FormC);
        text = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsPythonWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return Lower(builder.ToString());
    }

    /// <inheritdoc/>
    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    /// <summary>
    /// Python's <c>str.isspace</c>, which <c>re</c>'s <c>\s</c> follows: .NET's white space plus the separators
    /// U+001C to U+001F.
    /// </summary>
    internal static bool IsPythonWhiteSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>
    /// Python's <c>str.lower</c>: the invariant lowercase mapping plus the two full mappings .NET leaves out,
    /// İ (U+0130) to "i̇" and Σ to final ς at the end of a word.
    /// </summary>
    private static string Lower(string text)
    {
        var lower = text.ToLowerInvariant();
        if (!text.AsSpan().ContainsAny('\u0130', '\u03A3')) return lower;

        var builder = new StringBuilder(lower.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\u0130':
                    builder.Append("i\u0307");
                    break;
                case '\u03A3':
                    builder.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
                    break;
                default:
                    builder.Append(lower[i]);
                    break;
            }
        }
        return builder.ToString();
    }

    // Unicode's Final_Sigma condition (as CPython applies it): a cased letter before, skipping case-ignorable
    // characters, and no cased letter after them.
    private static bool IsFinalSigma(string text, int i)
    {
        var before = i - 1;
        while (before >= 0 && IsCaseIgnorable(text[before])) before--;
        if (before < 0 || !IsCased(text[before])) return false;
        var after = i + 1;
        while (after < text.Length && IsCaseIgnorable(text[after])) after++;
        return after == text.Length || !IsCased(text[after]);
    }

    // Cased: upper-, lower- or titlecase letters and anything with a case mapping (ª, ᴺ and similar are close enough).
    private static bool IsCased(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        || char.ToLowerInvariant(c) != c || char.ToUpperInvariant(c) != c;

    // Case-ignorable: marks, format and modifier characters, and the word-internal punctuation Unicode lists.
    private static bool IsCaseIgnorable(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || c is '\'' or '.' or ':' or '\u00B7' or '\u2018' or '\u2019' or '\u2024' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A';
}
