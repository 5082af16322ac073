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
public sealed record ClipTokenization(int[] Ids, IReadOnlyList<string> Tokens, int TokenCount, string? TruncatedText);
