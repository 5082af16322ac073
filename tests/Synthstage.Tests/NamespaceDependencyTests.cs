using System.Text.RegularExpressions;

namespace Synthstage.Tests;

/// <summary>
/// The engine's layers point one way: Compositing (pixels) ← Provenance (marks, manifests) ← Video (the keyed render)
/// ← Scenes (generated backgrounds). Read from the source: every <c>using</c> and every qualified name a file under one
/// of these folders writes that names another of them is an edge; the graph must have no cycle.
/// </summary>
public sealed partial class NamespaceDependencyTests
{
    private static readonly string[] Layers = ["Video", "Scenes", "Provenance", "Compositing"];

    [Fact]
    public void VideoScenesProvenanceAndCompositingDependOnEachOtherWithoutACycle()
    {
        var graph = ReadGraph(Path.Combine(SharedData.RepositoryRoot, "src", "Synthstage"));
        Assert.True(graph.Values.Sum(e => e.Count) > 0, "no references found at all: the source was not read");
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, cycle is null ? "" : $"namespace cycle: {string.Join(" → ", cycle)} ({Explain(graph, cycle)})");
    }

    [Fact]
    public void ACycleIsFoundAndNamed()
    {
        // The checker itself must be able to fail: a hand-made cycle and a hand-made chain.
        var cyclic = new Dictionary<string, Dictionary<string, string>>
        {
            ["Video"] = new() { ["Scenes"] = "a.cs" },
            ["Scenes"] = new() { ["Compositing"] = "b.cs" },
            ["Compositing"] = new() { ["Video"] = "c.cs" },
            ["Provenance"] = [],
        };
        Assert.Equal(["Video", "Scenes", "Compositing", "Video"], FindCycle(cyclic));
        cyclic["Compositing"].Clear();
        Assert.Null(FindCycle(cyclic));
    }

    /// <summary>Edges between the layer folders, each with the first file that makes it.</summary>
    private static Dictionary<string, Dictionary<string, string>> ReadGraph(string sourceRoot)
    {
        var graph = Layers.ToDictionary(l => l, _ => new Dictionary<string, string>());
        foreach (var layer in Layers)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(sourceRoot, layer), "*.cs", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                var referenced = UsingOrQualified().Matches(text).Select(m => m.Groups["layer"].Value)
                    // Inside namespace Synthstage.X, "Provenance.OutputStamp" means Synthstage.Provenance.OutputStamp.
                    .Concat(ShortQualified().Matches(text).Select(m => m.Groups["layer"].Value));
                foreach (var target in referenced.Where(t => t != layer && Layers.Contains(t)))
                    graph[layer].TryAdd(target, Path.GetRelativePath(sourceRoot, file));
            }
        }
        return graph;
    }

    private static List<string>? FindCycle(Dictionary<string, Dictionary<string, string>> graph)
    {
        var state = graph.Keys.ToDictionary(k => k, _ => 0); // 0 unvisited, 1 on the path, 2 done
        var path = new List<string>();
        foreach (var start in graph.Keys)
            if (state[start] == 0 && Visit(start) is { } found) return found;
        return null;

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph[node].Keys)
            {
                if (state[next] == 1) return [.. path.Skip(path.IndexOf(next)), next];
                if (state[next] == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    private static string Explain(Dictionary<string, Dictionary<string, string>> graph, List<string> cycle) =>
        string.Join("; ", cycle.Zip(cycle.Skip(1)).Select(e => $"{e.First} → {e.Second} in {graph[e.First][e.Second]}"));

    [GeneratedRegex(@"\bSynthstage\.(?<layer>[A-Z][A-Za-z]*)\b")]
    private static partial Regex UsingOrQualified();

    [GeneratedRegex(@"(?<![\w.])(?<layer>Video|Scenes|Provenance|Compositing)\.[A-Z]")]
    private static partial Regex ShortQualified();
}
