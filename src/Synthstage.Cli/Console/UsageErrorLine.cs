using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using Synthstage.Models;

namespace Synthstage.Cli.Console;

/// <summary>
/// Turns a command line that cannot run into one line for stderr, <c>error: … (see synthstage composite --help)</c>,
/// instead of System.CommandLine's error list followed by the whole help text.
/// </summary>
/// <remarks>
/// A token that looks like an option (<c>-x</c>, <c>--xyz</c>) is never taken as an input: where System.CommandLine
/// would pass an unknown <c>--subjekt</c> to a command's file arguments, it is reported as an unknown option with
/// the nearest option names. Tokens after <c>--</c> and negative numbers stay arguments. Errors that already list the
/// accepted values (<c>unknown --refine 'x'; use guided or off</c>) need no pointer to help and get none.
/// </remarks>
internal static class UsageErrorLine
{
    /// <summary>The first problem with <paramref name="result"/> as one line, or null when it can run (help and --version included).</summary>
    public static string? Find(ParseResult result)
    {
        if (result.Action is HelpAction) return null;
        var command = result.CommandResult.Command;
        var hint = $"(see {CommandPath(result.CommandResult)} --help)";

        if (FirstOptionLikeArgument(result) is { } stray)
            return $"error: unknown option '{stray}'{Suggestion(stray, OptionNames(result.CommandResult))} {hint}";
        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            return command.Subcommands.Count > 0 && command.Arguments.Count == 0 && !command.Subcommands.Any(c => c.Name == token)
                ? $"error: unknown command '{token}'{Suggestion(token, command.Subcommands.Select(c => c.Name))} {hint}"
                : $"error: unexpected argument '{token}' {hint}";
        }
        if (result.Errors.Count == 0) return null;

        if (command.Subcommands.Count > 0 && command.Action is null)
            return $"error: no command given; use one of: {string.Join(", ", command.Subcommands.Select(c => c.Name))} {hint}";
        foreach (var option in command.Options.Where(o => o.Required && result.GetResult(o) is not { Implicit: false }))
            return $"error: missing {Spelled(option)}: {option.Description} {hint}";
        foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0 && (result.GetResult(a)?.Tokens.Count ?? 0) == 0))
            return $"error: missing {argument.Name.ToUpperInvariant()}: {argument.Description} {hint}";
        var error = result.Errors[0];
        if (error.Message.Contains("; use ", StringComparison.Ordinal)) return $"error: {error.Message}";
        var given = error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as OptionResult;
        if (given?.Tokens.FirstOrDefault(t => NumberKind(given.Option.ValueType) is { } kind && !kind.Parses(t.Value)) is { } bad)
            return $"error: {given.Option.Name} '{bad.Value}' is not {NumberKind(given.Option.ValueType)!.Value.Word} {hint}";
        return $"error: {error.Message} {hint}";
    }

    /// <summary>What a numeric option's value must look like ("--steps 'abc' is not a whole number"), or null for other types.</summary>
    private static (string Word, Func<string, bool> Parses)? NumberKind(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t.IsArray => NumberKind(t.GetElementType()!),
        var t when t == typeof(int) => ("a whole number", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
        var t when t == typeof(long) => ("a whole number", s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
        var t when t == typeof(ulong) => ("a whole number of at least 0", s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out _)),
        var t when t == typeof(float) || t == typeof(double) => ("a number", s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
        _ => null,
    };

    /// <summary>"synthstage models pull": the command's path as typed, for the hint.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Insert(0, c.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>The first token on the command line that looks like an option but landed in no option.</summary>
    private static string? FirstOptionLikeArgument(ParseResult result)
    {
        var claimed = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        for (SymbolResult? r = result.CommandResult; r is not null; r = r.Parent)
            if (r is CommandResult c)
                foreach (var option in c.Children.OfType<OptionResult>())
                    claimed.UnionWith(option.Tokens);
        foreach (var token in result.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) return null;
            if (token.Type == TokenType.Argument && !claimed.Contains(token) && LooksLikeOption(token.Value)) return token.Value;
        }
        return null;
    }

    private static bool LooksLikeOption(string text) =>
        text.Length > 1 && text[0] == '-' && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>Every spelling of the options valid here: the command's own and the recursive ones of its parents.</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c)
                foreach (var option in c.Command.Options.Where(o => !o.Hidden && (ReferenceEquals(c, result) || o.Recursive)))
                    foreach (var name in option.Aliases.Prepend(option.Name))
                        yield return name;
    }

    /// <summary>"; did you mean '--background'?" with up to two names nearest by edit distance, or nothing when none is close.</summary>
    private static string Suggestion(string typed, IEnumerable<string> candidates)
    {
        // Short aliases (-b, -o) are one edit from any other dash-letter and say nothing; suggest only names of some length.
        var nearest = NearestNames.Find(typed, candidates.Where(c => c.Length > 2 || typed.Length <= 2).Distinct(), 2);
        return nearest.Count == 0 ? "" : $"; did you mean {string.Join(" or ", nearest.Select(n => $"'{n}'"))}?";
    }

    private static string Spelled(Option option) =>
        string.Join('/', option.Aliases.Where(a => a.Length == 2).Append(option.Name));
}
