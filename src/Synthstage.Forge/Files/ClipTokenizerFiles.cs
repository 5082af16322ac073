using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Synthstage.Forge.Files;

/// <summary>
/// Derives Hugging Face's CLIP tokenizer files (vocab.json, merges.txt) from OpenAI's
/// <c>bpe_simple_vocab_16e6.txt.gz</c>, the way CLIP's <c>SimpleTokenizer</c> builds its vocabulary.
/// </summary>
/// <remarks>
/// Ids: the 256 byte symbols (GPT-2's byte-to-unicode order), the same 256 with <c>&lt;/w&gt;</c>, one token per
/// merge (the first 48,894 merge lines after the header at full size), then <c>&lt;|startoftext|&gt;</c> and
/// <c>&lt;|endoftext|&gt;</c>: 49,408 entries, BOS 49406, EOS 49407. A smaller vocabulary keeps only the first merges.
/// </remarks>
internal static class ClipTokenizerFiles
{
    public const int FullVocabSize = 49408;
    public const int ByteSymbols = 256;
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Writes vocab.json and merges.txt for a vocabulary of <paramref name="vocabSize"/> ids into <paramref name="folder"/>.</summary>
    /// <exception cref="SynthstageException">The source is missing, unreadable or has too few merges, or the size is out of range.</exception>
    public static void Write(string sourceGz, int vocabSize, string folder)
    {
        var mergeCount = vocabSize - 2 * ByteSymbols - 2;
        if (mergeCount < 0 || vocabSize > FullVocabSize)
            throw new SynthstageException($"Text encoder vocabulary size {vocabSize} is out of range; a CLIP vocabulary has {2 * ByteSymbols + 2} to {FullVocabSize} ids.", ExitCodes.Usage);
        var merges = ReadMerges(sourceGz, mergeCount);

        var tokens = new List<string>(vocabSize);
        var byteSymbols = ByteToUnicode();
        tokens.AddRange(byteSymbols);
        tokens.AddRange(byteSymbols.Select(s => s + "</w>"));
        tokens.AddRange(merges.Select(m => m.Replace(" ", "", StringComparison.Ordinal)));
        tokens.Add(StartOfText);
        tokens.Add(EndOfText);

        using (var stream = File.Create(Path.Combine(folder, "vocab.json")))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            for (var id = 0; id < tokens.Count; id++) json.WriteNumber(tokens[id], id);
            json.WriteEndObject();
        }

        // Hugging Face's merges.txt: the "#version: 0.2" header, then one "left right" pair per line.
        using var writer = new StreamWriter(Path.Combine(folder, "merges.txt"), append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine("#version: 0.2");
        foreach (var merge in merges) writer.WriteLine(merge);
    }

    private static List<string> ReadMerges(string sourceGz, int count)
    {
        if (!File.Exists(sourceGz))
            throw new SynthstageException($"CLIP BPE file '{sourceGz}' not found; pass the path of bpe_simple_vocab_16e6.txt.gz (shared/data/clip/).", ExitCodes.BadInput);
        var merges = new List<string>(count);
        try
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(sourceGz), CompressionMode.Decompress), Encoding.UTF8);
            reader.ReadLine(); // header: "bpe_simple_vocab_16e6.txt#version: 0.2"
            while (merges.Count < count && reader.ReadLine() is { } line)
            {
                if (line.Split(' ').Length != 2)
                    throw new SynthstageException($"'{sourceGz}' line {merges.Count + 2} is not a BPE merge ('left right'): '{line}'.", ExitCodes.BadInput);
                merges.Add(line);
            }
        }
        catch (InvalidDataException e)
        {
            throw new SynthstageException($"'{sourceGz}' is not a gzip file; expected CLIP's bpe_simple_vocab_16e6.txt.gz.", ExitCodes.BadInput, e);
        }
        if (merges.Count < count)
            throw new SynthstageException($"'{sourceGz}' has only {merges.Count} merges; {count} are needed for the vocabulary.", ExitCodes.BadInput);
        return merges;
    }

    /// <summary>GPT-2/CLIP byte-to-unicode table in id order: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards.</summary>
    internal static string[] ByteToUnicode()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1)
            .Concat(Enumerable.Range('¡', '¬' - '¡' + 1))
            .Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var symbols = printable.Select(b => ((char)b).ToString()).ToList();
        var next = 256;
        for (var b = 0; b < 256; b++)
            if (!printable.Contains(b)) symbols.Add(((char)next++).ToString());
        return [.. symbols];
    }
}
