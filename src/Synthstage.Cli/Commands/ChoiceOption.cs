using System.CommandLine;
using System.CommandLine.Parsing;

namespace Synthstage.Cli.Commands;

/// <summary>
/// Options whose value is one of a closed set of words: a wrong word fails while parsing (exit 2, before any file is
/// opened) with <c>unknown --opt 'x'; use a, b or c</c>, and help shows <c>--opt &lt;a|b|c&gt;</c>.
/// </summary>
internal static class ChoiceOption
{
    /// <summary>An option taking exactly one of <paramref name="choices"/>, <paramref name="defaultValue"/> when absent.</summary>
    public static Option<T> Create<T>(string name, string description, Choices<T> choices, T defaultValue, params string[] aliases)
    {
        var option = new Option<T>(name, aliases)
        {
            Description = description,
            HelpName = string.Join('|', choices.Names),
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = result => Parse(result, name, choices);
        option.CompletionSources.Add(choices.Names.ToArray());
        return option;
    }

    /// <summary>The last token's value; an unknown word adds the parse error that lists the choices.</summary>
    public static T Parse<T>(ArgumentResult result, string optionName, Choices<T> choices)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (choices.TryParse(text, out var value)) return value;
        result.AddError($"unknown {optionName} '{text}'; use {choices.Listed}");
        return default!;
    }

    /// <summary>An on|off switch (true and false are accepted too).</summary>
    public static Option<Switch> OnOff(string name, string description, Switch defaultValue) =>
        Create(name, description, OnOffChoices, defaultValue);

    private static readonly Choices<Switch> OnOffChoices = new([("on", Switch.On), ("off", Switch.Off)], [("true", Switch.On), ("false", Switch.Off)]);
}
