using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Diffusion.Tokenization;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage tokenize (--model DIR | --vocab FILE --merges FILE) "prompt"</c>: shows how CLIP tokenizes a prompt.
/// </summary>
/// <remarks>
/// Prints one line per kept token, <c>index id token</c> (index 0 is BOS, tokens in CLIP's byte-level form with
/// <c>&lt;/w&gt;</c>), then <c>N of 77 tokens</c>; a truncated prompt adds a warning on stderr naming the dropped text.
/// There is no default tokenizer: pass a Stable Diffusion model folder (its <c>tokenizer/</c> files are read) or the
/// two tokenizer files.
/// </remarks>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string>("prompt") { Description = "The text to tokenize" };
        var model = new Option<string?>("--model", "-m") { Description = "Stable Diffusion model folder holding tokenizer/vocab.json and tokenizer/merges.txt" };
        var vocab = new Option<string?>("--vocab") { Description = "CLIP vocab.json (with --merges, instead of --model)" };
        var merges = new Option<string?>("--merges") { Description = "CLIP merges.txt (with --vocab, instead of --model)" };
        var command = new Command("tokenize", "Show the CLIP token ids of a prompt and whether it fits in 77 tokens") { prompt, model, vocab, merges };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, _ =>
        {
            var tokenizer = Load(result.GetValue(model), result.GetValue(vocab), result.GetValue(merges));
            var encoded = tokenizer.Encode(result.GetValue(prompt)!);
            for (var i = 0; i < encoded.TokenCount; i++)
                System.Console.WriteLine($"{i} {encoded.Ids[i]} {encoded.Tokens[i]}");
            System.Console.WriteLine($"{encoded.TokenCount} of {tokenizer.MaxLength} tokens");
            if (encoded.TruncationWarning("prompt") is { } warning)
                System.Console.Error.WriteLine($"warning: {warning}");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }

    private static ClipTokenizer Load(string? model, string? vocab, string? merges) => (model, vocab, merges) switch
    {
        ({ } folder, null, null) => ClipTokenizer.FromModelFolder(folder),
        (null, { } v, { } m) => ClipTokenizer.Create(v, m),
        _ => throw new SynthstageException("tokenize needs either --model <folder> or both --vocab <vocab.json> and --merges <merges.txt>", ExitCodes.Usage),
    };
}
