namespace Synthstage;

/// <summary>
/// A settings record that lists its own settings. A render's resume key and its manifest are both built from this one
/// list, so a setting added to the record reaches both or neither.
/// </summary>
public interface ISettingsDescription
{
    /// <summary>Writes every setting that changes the output's pixels (and those the manifest should name) to <paramref name="writer"/>.</summary>
    void Describe(SettingsWriter writer);
}
