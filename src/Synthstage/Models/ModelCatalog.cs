using System.Text.Json;
using System.Text.Json.Serialization;

namespace Synthstage.Models;

/// <summary>A file of a catalogued model.</summary>
/// <param name="Name">File name inside the source (package path without the leading folder).</param>
/// <param name="Sha256">Expected SHA-256 (lower-case hex).</param>
/// <param name="Variant">Which variant of the model the file is (for example "general").</param>
/// <param name="InstallAs">File name in the model store after conversion.</param>
public sealed record CatalogFile(string Name, string Sha256, string Variant, string InstallAs);

/// <summary>Where a catalogued model comes from.</summary>
/// <param name="Kind">"npm", "huggingface" or "url".</param>
/// <param name="Package">Package or repository name.</param>
/// <param name="Version">Pinned version or revision.</param>
public sealed record CatalogSource(string Kind, string Package, string Version);

/// <summary>One model the tool knows how to install.</summary>
public sealed record CatalogEntry(
    string Id, string Task, string Description, string Licence, string LicenceUrl,
    CatalogSource Source, IReadOnlyList<CatalogFile> Files, string Notes);

/// <summary>The models Synthstage knows, read from the catalog.json shipped inside the library.</summary>
public static class ModelCatalog
{
    private static readonly Lazy<IReadOnlyList<CatalogEntry>> Entries = new(Load);

    /// <summary>All catalogued models.</summary>
    public static IReadOnlyList<CatalogEntry> All => Entries.Value;

    /// <summary>Finds a model by id.</summary>
    /// <exception cref="SynthstageException">No such id; the message lists the known ones.</exception>
    public static CatalogEntry Get(string id) =>
        All.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new SynthstageException($"unknown model '{id}'; known models: {string.Join(", ", All.Select(e => e.Id))}", ExitCodes.Usage);

    private static IReadOnlyList<CatalogEntry> Load()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("Synthstage.Models.catalog.json")
            ?? throw new InvalidOperationException("catalog.json is not embedded in the Synthstage assembly");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip };
        var doc = JsonSerializer.Deserialize<CatalogDocument>(stream, options)
            ?? throw new InvalidOperationException("catalog.json is empty");
        return doc.Models;
    }

    private sealed record CatalogDocument([property: JsonPropertyName("models")] IReadOnlyList<CatalogEntry> Models);
}
