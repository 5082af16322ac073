using Synthstage.Provenance.Manifest;

namespace Synthstage.Provenance;

/// <summary>
/// What a job tells the manifest about its work: inputs, models, prompts, seeds, parameters and which parts of the
/// picture are captured or synthetic. Filled while the job runs; <see cref="ProvenanceWriter"/> hashes the files.
/// </summary>
/// <param name="command">The operation name (composite, matte, generate, walk, …).</param>
public sealed class ProvenanceRecord(string command)
{
    private readonly List<(string Role, string Path)> _inputs = [];
    private readonly List<(string Role, string Id, string Path, string Licence)> _models = [];

    /// <summary>The operation name.</summary>
    public string Command { get; } = command;

    /// <summary>When the work started.</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>Settings by name.</summary>
    public SortedDictionary<string, string> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Prompts used.</summary>
    public List<PromptRecord> Prompts { get; } = [];

    /// <summary>Seeds used.</summary>
    public List<ulong> Seeds { get; } = [];

    /// <summary>Parts of the picture and their origin.</summary>
    public List<PartRecord> Parts { get; } = [];

    /// <summary>Input files (hashed when the manifest is written).</summary>
    public IReadOnlyList<(string Role, string Path)> Inputs => _inputs;

    /// <summary>Model files (hashed when the manifest is written).</summary>
    public IReadOnlyList<(string Role, string Id, string Path, string Licence)> Models => _models;

    /// <summary>Adds an input file.</summary>
    public ProvenanceRecord AddInput(string role, string path)
    {
        _inputs.Add((role, path));
        return this;
    }

    /// <summary>Adds a model file; <paramref name="licence"/> null looks the id up in the model catalog.</summary>
    public ProvenanceRecord AddModel(string role, string id, string path, string? licence = null)
    {
        _models.Add((role, id, path, licence ?? Synthstage.Models.ModelCatalog.Find(id)?.Licence ?? "unknown"));
        return this;
    }

    /// <summary>Sets a parameter.</summary>
    public ProvenanceRecord Set(string name, string value)
    {
        Parameters[name] = value;
        return this;
    }

    /// <summary>Sets one parameter per setting a description wrote (<see cref="SettingsWriter.Collect"/>), by its name and shown value.</summary>
    public ProvenanceRecord Set(IEnumerable<Setting> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var setting in settings) Parameters[setting.Name] = setting.Value;
        return this;
    }

    /// <summary>Adds a part of the picture.</summary>
    public ProvenanceRecord AddPart(string part, string origin, string detail)
    {
        Parts.Add(new PartRecord(part, origin, detail));
        return this;
    }
}
