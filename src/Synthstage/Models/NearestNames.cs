namespace Synthstage.Models;

/// <summary>Ranks candidate names by edit distance so an unknown name can be answered with "did you mean …".</summary>
public static class NearestNames
{
    /// <summary>Up to <paramref name="count"/> candidates that are close to <paramref name="name"/>, nearest first.</summary>
    /// <remarks>Close means a Levenshtein distance of at most a third of the longer name (at least 2), or one name
    /// containing the other, so "sdturbo" finds "sd-turbo" and "turbo" does too.</remarks>
    public static IReadOnlyList<string> Find(string name, IEnumerable<string> candidates, int count)
    {
        var query = name.ToLowerInvariant();
        return candidates
            .Select(c => (Name: c, Distance: Distance(query, c.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, Math.Max(query.Length, c.Name.Length) / 3)
                || (query.Length >= 3 && c.Name.Contains(query, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count).Select(c => c.Name).ToList();
    }

    /// <summary>Levenshtein distance (insert, delete, substitute all cost 1).</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
