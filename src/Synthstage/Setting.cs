namespace Synthstage;

/// <summary>One named setting as a <see cref="ISettingsDescription"/> wrote it.</summary>
/// <param name="Name">The setting's name, unique within one description (for example <c>threshold</c>).</param>
/// <param name="Value">Its value as shown to people, culture-invariant (for example <c>0.5</c>, <c>on</c>, <c>image plate.png</c>).</param>
/// <param name="FilePath">For a setting that names a file: its full path, whose identity (size and modification time)
/// a resume key must also match; null otherwise.</param>
public sealed record Setting(string Name, string Value, string? FilePath = null);
