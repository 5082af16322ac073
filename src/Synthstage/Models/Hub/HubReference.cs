using System.Text.RegularExpressions;

namespace Synthstage.Models.Hub;

/// <summary>A Hub model repository at a revision: <c>org/name</c> or <c>org/name@revision</c>.</summary>
/// <param name="Repository">"org/name".</param>
/// <param name="Revision">Branch, tag or commit hash ("main" when not given).</param>
public sealed partial record HubReference(string Repository, string Revision)
{
    /// <summary>Whether <paramref name="text"/> looks like <c>org/name[@revision]</c>.</summary>
    public static bool IsHubName(string text) => NamePattern().IsMatch(text);

    /// <summary>Parses <c>org/name[@revision]</c>.</summary>
    /// <exception cref="SynthstageException">Not of that form (Usage).</exception>
    public static HubReference Parse(string text)
    {
        var match = NamePattern().Match(text);
        if (!match.Success)
            throw new SynthstageException($"'{text}' is not a Hugging Face model name; expected org/name or org/name@revision", ExitCodes.Usage);
        var revision = match.Groups["rev"].Success ? match.Groups["rev"].Value : "main";
        return new HubReference(match.Groups["repo"].Value, revision);
    }

    /// <summary>The cache's folder name for the repository: <c>models--org--name</c>.</summary>
    public string CacheFolderName => "models--" + Repository.Replace("/", "--", StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => $"{Repository}@{Revision}";

    [GeneratedRegex(@"^(?<repo>[A-Za-z0-9][\w.\-]*/[\w.\-]+)(@(?<rev>[\w.\-/]+))?$")]
    private static partial Regex NamePattern();
}
