using System.Text.Json;
using System.Text.Json.Serialization;

namespace Synthstage.Models;

/// <summary>A file of a catalogued model.</summary>
/// <param name="Name">File name inside the source (package path without the leading folder).</param>
/// <param name="Sha256">Expected SHA-256 (lower-case hex); null when not yet known.</param>
/// <param name="Variant">Which variant of the model the file is (for example "general").</param>
/// <param name="InstallAs">File name in the model store after conversion.</param>
public sealed record CatalogFile(string Name, string? Sha256, string Variant, string InstallAs);

/// <summary>Where a catalogued model comes from.</summary>
/// <param name="Kind">"npm", "huggingface" or "url".</param>
/// <param name="Package">npm package, or Hugging Face repository ("org/name"), or project name for a URL.</param>
/// <param name="Version">Pinned version, or Hub revision (branch, tag or commit).</param>
/// <param name="Files">For a Hub source, the repository files to fetch as glob patterns ("unet/*"); all when null.</param>
/// <param name="Url">For a URL source, the file to download.</param>
public sealed record CatalogSource(string Kind, string Package, string Version,
    IReadOnlyList<string>? Files = null, string? Url = null)
{
    /// <summary>Kind of a source on the Hugging Face Hub.</summary>
    public const string HuggingFace = "huggingface";

    /// <summary>The Hub repository ("org/name") of a Hub source.</summary>
    public string Repository => Package;

    /// <summary>The Hub revision of a Hub source.</summary>
    public string Revision => Version;
}

/// <summary>One model the tool knows how to install.</summary>
/// <param name="Id">Short id used on the command line ("sd-turbo").</param>
/// <param name="Task">segmentation, pose, diffusion, matting or upscaling.</param>
/// <param name="Description">One line for humans.</param>
/// <param name="Licence">Licence name (SPDX id where there is one).</param>
/// <param name="LicenceUrl">Where the licence text is.</param>
/// <param name="Source">Where the files come from.</param>
/// <param name="Files">Files with known checksums and their installed names (npm and URL sources).</param>
/// <param name="Notes">Caveats: what was and was not confirmed, conversions, licence conditions.</param>
/// <param name="Size">Approximate download size in bytes, when known.</param>
/// <param name="Confirmed">False when the source could not be checked against public documentation.</param>
public sealed record CatalogEntry(
    string Id, string Task, string Description, string Licence, string LicenceUrl,
    CatalogSource Source, IReadOnlyList<CatalogFile> Files, string Notes, long? Size = null, bool Confirmed = true);

/// <summary>The models Synthstage knows, read from the catalog.json shipped inside the library.</summary>
public static class ModelCatalog
{
    private static readonly Lazy<IReadOnlyList<CatalogEntry>> Entries = new(Load);

    /// <summary>All catalogued models.</summary>
    public static IReadOnlyList<CatalogEntry> All => Entries.Value;

    /// <summary>Finds a model by id.</summary>
    /// <exception cref="SynthstageException">No such id; the message suggests the nearest ids (Usage).</exception>
    public static CatalogEntry Get(string id) =>
        Find(id) ?? throw new SynthstageException($"unknown model '{id}'; {Suggest(id)}", ExitCodes.Usage);

    /// <summary>Finds a model by id (case-insensitive), or null.</summary>
    public static CatalogEntry? Find(string id) =>
        All.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>"did you mean …?" with the ids nearest to <paramref name="id"/> by edit distance, or the list of all ids.</summary>
    public static string Suggest(string id)
    {
        var nearest = NearestNames.Find(id, All.Select(e => e.Id), 3);
        return nearest.Count > 0
            ? $"did you mean {string.Join(" or ", nearest.Select(n => $"'{n}'"))}? (synthstage models list shows all)"
            : $"known models: {string.Join(", ", All.Select(e => e.Id))}";
    }

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
