namespace Synthstage.Models;

/// <summary>Whether a catalogued model is installed, and where.</summary>
/// <param name="Entry">The catalog entry.</param>
/// <param name="Installed">True when its files are present (the Hub snapshot or the store folder).</param>
/// <param name="Folder">The folder holding the files when installed.</param>
/// <param name="SizeOnDisk">Bytes of its files on disk when installed.</param>
public sealed record ModelStatus(CatalogEntry Entry, bool Installed, string? Folder, long SizeOnDisk);
