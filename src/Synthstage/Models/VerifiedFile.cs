namespace Synthstage.Models;

/// <summary>The outcome of re-hashing one installed file.</summary>
/// <param name="Model">Catalog id or Hub name.</param>
/// <param name="Path">The file.</param>
/// <param name="Ok">True when the hash matches the recorded one; false when it differs or the file is missing.</param>
/// <param name="Detail">Expected and actual hash, or why the file could not be checked.</param>
public sealed record VerifiedFile(string Model, string Path, bool Ok, string Detail);
