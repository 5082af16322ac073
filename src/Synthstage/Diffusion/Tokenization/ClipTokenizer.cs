using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Synthstage.Diffusion.Tokenization;

/// <summary>
/// CLIP's BPE tokenizer as Stable Diffusion's text encoder expects it: turns a prompt into exactly 77 token ids
/// (BOS, tokens, EOS, padding), matching OpenAI CLIP's <c>SimpleTokenizer</c> and Hugging Face's <c>CLIPTokenizer</c>.
/// </summary>
/// <remarks>
/// <para>
/// Pipeline: clean the text (<see cref="ClipTextNormalizer"/>: NFC, HTML-unescape twice, collapse whitespace, strip,
/// lowercase), split it into words with CLIP's pattern (<see cref="ClipPreTokenizer"/>), then byte-level BPE with the
/// <c>&lt;/w&gt;</c> end-of-word suffix and merges applied by rank (Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>).
/// Word results are cached, so repeated words cost one dictionary lookup.
/// </para>
/// <para>Instances are immutable and <see cref="Encode"/> is safe to call from several threads.</para>
/// <para>
/// The vocabulary and merges files are trusted input (as in <see cref="BpeTokenizer"/>): they are read whole into
/// memory and not validated beyond the special tokens.
/// </para>
/// </remarks>
public sealed class ClipTokenizer
{
    /// <summary>CLIP's beginning-of-text token.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>CLIP's end-of-text token, also the padding token of Stable Diffusion 1.x.</summary>
    public const string EndOfText = "<|endoftext|>";

    private const string EndOfWordSuffix = "</w>";

    // Bound the word cache so a long-running process fed arbitrary text cannot grow it without limit.
    private const int MaxCachedWords = 50_000;

    private readonly BpeTokenizer _bpe;
    private readonly ClipTextNormalizer _normalizer;
    private readonly ClipPreTokenizer _preTokenizer;
    private readonly HashSet<int> _endsWord;
    private readonly ConcurrentDictionary<string, EncodedWord> _wordCache = new(StringComparer.Ordinal);

    private ClipTokenizer(BpeTokenizer bpe, ClipTextNormalizer normalizer, ClipPreTokenizer preTokenizer, HashSet<int> endsWord, int bosId, int eosId, int padId)
    {
        _bpe = bpe;
        _endsWord = endsWord;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
    }

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c>, the first id of every encoding (49406 in CLIP's vocabulary).</summary>
    public int BosId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c>, written after the last kept token (49407 in CLIP's vocabulary).</summary>
    public int EosId { get; }

    /// <summary>
    /// Id that fills the encoding after EOS: the <c>pad_token</c> of <c>special_tokens_map.json</c> or
    /// <c>tokenizer_config.json</c> when present (Stable Diffusion 2.x pads with <c>!</c>, id 0), otherwise
    /// <see cref="EosId"/> (Stable Diffusion 1.x).
    /// </summary>
    public int PadId { get; }

    /// <summary>Length of every encoding, BOS and EOS included: 77, the CLIP text encoder's context length.</summary>
    public int MaxLength => 77;

    /// <summary>
    /// Loads a tokenizer from Hugging Face's <c>vocab.json</c> and <c>merges.txt</c>. A <c>special_tokens_map.json</c>
    /// or <c>tokenizer_config.json</c> in the folder of <paramref name="vocabJsonPath"/> sets the padding token.
    /// </summary>
    /// <param name="vocabJsonPath">JSON object mapping each token string to its id (49,408 entries for CLIP).</param>
    /// <param name="mergesTxtPath">One <c>left right</c> merge per line, best first; an optional <c>#version</c> header.</param>
    /// <exception cref="SynthstageException">A file is missing or unreadable, or the vocabulary lacks CLIP's special tokens (exit code <see cref="ExitCodes.BadModel"/>).</exception>
    public static ClipTokenizer Create(string vocabJsonPath, string mergesTxtPath)
    {
        RequireFile(vocabJsonPath, "vocabulary");
        RequireFile(mergesTxtPath, "merges");

        var normalizer = new ClipTextNormalizer();
        var preTokenizer = new ClipPreTokenizer();
        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(new BpeOptions(vocabJsonPath, mergesTxtPath)
            {
                Normalizer = normalizer,
                PreTokenizer = preTokenizer,
                EndOfWordSuffix = EndOfWordSuffix,
                ByteLevel = true,
            });
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"CLIP tokenizer files '{vocabJsonPath}' and '{mergesTxtPath}' could not be read: {e.Message}", ExitCodes.BadModel, e);
        }

        var bosId = RequireToken(bpe, StartOfText, vocabJsonPath);
        var eosId = RequireToken(bpe, EndOfText, vocabJsonPath);
        var padToken = ReadPadToken(Path.GetDirectoryName(Path.GetFullPath(vocabJsonPath))!);
        var padId = padToken is null ? eosId : RequireToken(bpe, padToken, vocabJsonPath);
        var endsWord = bpe.Vocabulary.Where(p => p.Key.EndsWith(EndOfWordSuffix, StringComparison.Ordinal)).Select(p => p.Value).ToHashSet();
        return new ClipTokenizer(bpe, normalizer, preTokenizer, endsWord, bosId, eosId, padId);
    }

    /// <summary>
    /// Loads the tokenizer of a Stable Diffusion model folder laid out as diffusers does:
    /// <c>tokenizer/vocab.json</c>, <c>tokenizer/merges.txt</c> and optionally <c>tokenizer/special_tokens_map.json</c>.
    /// </summary>
    /// <param name="modelFolder">The model's root folder (the one holding <c>model_index.json</c>).</param>
    /// <exception cref="SynthstageException">A tokenizer file is missing or unreadable (exit code <see cref="ExitCodes.BadModel"/>).</exception>
    public static ClipTokenizer FromModelFolder(string modelFolder)
    {
        var folder = Path.Combine(modelFolder, "tokenizer");
        return Create(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
    }

    /// <summary>Tokenizes a prompt into the text encoder's 77 input ids.</summary>
    /// <param name="prompt">Any text. An empty prompt, or one of only whitespace, encodes as BOS, EOS and padding.</param>
    /// <returns>
    /// The ids, token strings and count; prompts longer than 75 tokens are cut to 75 and the rest is reported in
    /// <see cref="ClipTokenization.TruncatedText"/> (as CLIP and diffusers do, truncation is not an error).
    /// </returns>
    public ClipTokenization Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var text = _normalizer.Normalize(prompt);
        var capacity = MaxLength - 2;

        var ids = new int[MaxLength];
        var tokens = new List<string>(MaxLength) { StartOfText };
        ids[0] = BosId;
        var count = 0;
        string? truncated = null;
        foreach (var (offset, length) in _preTokenizer.PreTokenize(text))
        {
            var word = EncodeWord(text.Substring(offset, length));
            var fits = Math.Min(word.Ids.Length, capacity - count);
            for (var k = 0; k < fits; k++)
            {
                ids[1 + count + k] = word.Ids[k];
                tokens.Add(word.Tokens[k]);
            }
            count += fits;
            if (fits < word.Ids.Length)
            {
                // Cut inside or before this word: report the dropped tokens of this word, then the rest of the text.
                truncated = fits == 0
                    ? text[offset..]
                    : DecodeWordTail(word, fits) + text[(offset + length)..];
                break;
            }
        }

        ids[1 + count] = EosId;
        tokens.Add(EndOfText);
        Array.Fill(ids, PadId, 2 + count, MaxLength - 2 - count);
        return new ClipTokenization(ids, tokens, count + 2, truncated);
    }

    /// <summary>
    /// Decodes ids back to text as CLIP does: byte-level symbols to UTF-8, <c>&lt;/w&gt;</c> to a space, the result
    /// stripped. BOS and EOS are skipped and everything after the last EOS is taken as padding.
    /// </summary>
    internal string Decode(IEnumerable<int> ids)
    {
        var list = ids.ToList();
        var end = list.LastIndexOf(EosId);
        if (end >= 0) list.RemoveRange(end, list.Count - end);
        return DecodeCore(list.Where(id => id != BosId && id != EosId)).Trim();
    }

    // The library's byte-level decode maps symbols back to UTF-8 but joins tokens without regard to "</w>", so decode
    // one word (a run of ids ending in a "</w>" token) at a time and put CLIP's space after each.
    private string DecodeCore(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        var word = new List<int>();
        foreach (var id in ids)
        {
            word.Add(id);
            if (_endsWord.Contains(id))
            {
                text.Append(_bpe.Decode(word)).Append(' ');
                word.Clear();
            }
        }
        if (word.Count > 0) text.Append(_bpe.Decode(word));
        return text.ToString();
    }

    private EncodedWord EncodeWord(string word)
    {
        if (_wordCache.TryGetValue(word, out var cached)) return cached;

        EncodedWord encoded;
        if (word == StartOfText || word == EndOfText)
        {
            // CLIP's pattern keeps the special tokens whole and its vocabulary maps them to themselves.
            encoded = new EncodedWord([word == StartOfText ? BosId : EosId], [word]);
        }
        else
        {
            var result = _bpe.EncodeToTokens(word, out _, considerPreTokenization: false, considerNormalization: false);
            encoded = new EncodedWord([.. result.Select(t => t.Id)], [.. result.Select(t => t.Value)]);
        }

        if (_wordCache.Count >= MaxCachedWords) _wordCache.Clear();
        _wordCache.TryAdd(word, encoded);
        return encoded;
    }

    private string DecodeWordTail(EncodedWord word, int from) => DecodeCore(word.Ids[from..]).TrimEnd();

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
            throw new SynthstageException($"CLIP tokenizer {what} file '{path}' not found; a Stable Diffusion model folder has tokenizer/vocab.json and tokenizer/merges.txt.", ExitCodes.BadModel);
    }

    private static int RequireToken(BpeTokenizer bpe, string token, string vocabJsonPath) =>
        bpe.Vocabulary.TryGetValue(token, out var id)
            ? id
            : throw new SynthstageException($"'{vocabJsonPath}' lacks the token '{token}'; expected a CLIP vocabulary.", ExitCodes.BadModel);

    /// <summary>The <c>pad_token</c> of special_tokens_map.json, else of tokenizer_config.json, else null.</summary>
    private static string? ReadPadToken(string folder)
    {
        foreach (var name in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path)) continue;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                if (!doc.RootElement.TryGetProperty("pad_token", out var pad)) continue;
                // Either "pad_token": "!" or "pad_token": { "content": "!", ... } (an AddedToken).
                if (pad.ValueKind == JsonValueKind.String) return pad.GetString();
                if (pad.ValueKind == JsonValueKind.Object && pad.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    return content.GetString();
            }
            catch (JsonException e)
            {
                throw new SynthstageException($"'{path}' is not valid JSON: {e.Message}", ExitCodes.BadModel, e);
            }
        }
        return null;
    }

    private sealed record EncodedWord(int[] Ids, string[] Tokens);
}
