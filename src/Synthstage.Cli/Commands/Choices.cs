namespace Synthstage.Cli.Commands;

/// <summary>
/// The closed set of words an option accepts, each mapped to its value. <see cref="Names"/> are what help and
/// errors list; synonyms (older spellings such as <c>bilinear</c> for <c>off</c>) parse too but are not advertised.
/// Matching ignores case.
/// </summary>
internal sealed class Choices<T>
{
    private readonly (string Name, T Value)[] _names;
    private readonly (string Name, T Value)[] _synonyms;

    public Choices((string Name, T Value)[] names, (string Name, T Value)[]? synonyms = null)
    {
        if (names.Length == 0) throw new ArgumentException("a choice needs at least one name", nameof(names));
        _names = names;
        _synonyms = synonyms ?? [];
    }

    /// <summary>The advertised names, in help order.</summary>
    public IReadOnlyList<string> Names => _names.Select(n => n.Name).ToArray();

    /// <summary>"a, b or c": the advertised names as a sentence ends them.</summary>
    public string Listed => Names.Count == 1 ? Names[0] : $"{string.Join(", ", Names.Take(Names.Count - 1))} or {Names[^1]}";

    /// <summary>The value of <paramref name="text"/>, a name or synonym in any case.</summary>
    public bool TryParse(string text, out T value)
    {
        foreach (var (name, v) in _names.Concat(_synonyms))
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }
        value = default!;
        return false;
    }
}
