namespace Synthstage.Diffusion.Tokenization;

/// <summary>The result of <see cref="ClipTokenizer.Encode"/>: the text encoder's input ids and what they stand for.</summary>
/// <param name="Ids">
/// Exactly <see cref="ClipTokenizer.MaxLength"/> (77) token ids: BOS, the kept prompt tokens, EOS, then
/// <see cref="ClipTokenizer.PadId"/> up to the end. Feed as <c>input_ids</c> [1,77] to the CLIP text encoder.
/// </param>
/// <param name="Tokens">
/// The BPE token strings of the kept tokens, BOS and EOS included (<see cref="TokenCount"/> entries, no padding), in
/// byte-level form with the <c>&lt;/w&gt;</c> end-of-word suffix, e.g. <c>&lt;|startoftext|&gt;</c>, <c>a&lt;/w&gt;</c>.
/// </param>
/// <param name="TokenCount">How many ids are kept before padding, BOS and EOS included (2 to 77).</param>
/// <param name="TruncatedText">
/// The part of the prompt that did not fit and was dropped, in cleaned form (HTML-unescaped, whitespace collapsed,
/// lowercased); <see langword="null"/> when the whole prompt fits.
/// </param>
public sealed record ClipTokenization(int[] Ids, IReadOnlyList<string> Tokens, int TokenCount, string? TruncatedText)
{
    /// <summary>Dropped words quoted in full up to this many; a longer tail is quoted by its start and counted.</summary>
    public const int QuotedWords = 12;

    /// <summary>
    /// The one-line warning for a prompt that did not fit: "<paramref name="what"/> longer than 77 tokens; dropped "…"",
    /// the dropped words quoted (the first <see cref="QuotedWords"/> and a count when there are more, so a pasted
    /// essay gives one readable line); null when the whole prompt fits.
    /// </summary>
    /// <param name="what">What the text is, to start the sentence ("prompt", "keyframe 2 negative prompt").</param>
    public string? TruncationWarning(string what)
    {
        if (string.IsNullOrEmpty(TruncatedText)) return null;
        var words = TruncatedText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var quoted = words.Length <= QuotedWords
            ? $"\"{TruncatedText}\""
            : $"\"{string.Join(' ', words.Take(QuotedWords))} …\" ({words.Length} words in all)";
        return $"{what} longer than {Ids.Length} tokens; dropped {quoted}";
    }
}
