using System.Globalization;

namespace Synthstage;

/// <summary>
/// Collects the settings <see cref="ISettingsDescription"/> records write, in order, formatting numbers
/// culture-invariantly and round-trippably so that equal settings always give equal text.
/// </summary>
public sealed class SettingsWriter
{
    private readonly List<Setting> _settings = [];

    /// <summary>The settings written so far, in order.</summary>
    public IReadOnlyList<Setting> Settings => _settings;

    /// <summary>The settings of <paramref name="descriptions"/>, in order.</summary>
    /// <exception cref="InvalidOperationException">Two descriptions write the same name.</exception>
    public static IReadOnlyList<Setting> Collect(params IEnumerable<ISettingsDescription> descriptions)
    {
        var writer = new SettingsWriter();
        foreach (var description in descriptions) writer.Add(description);
        return writer.Settings;
    }

    /// <summary>Writes the settings of <paramref name="description"/>.</summary>
    public SettingsWriter Add(ISettingsDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        description.Describe(this);
        return this;
    }

    /// <summary>Writes a text setting.</summary>
    /// <exception cref="InvalidOperationException">The name was written before: two settings would share one entry.</exception>
    public SettingsWriter Add(string name, string value) => Append(new Setting(name, value));

    /// <summary>Writes a number (shortest round-trip form, invariant culture).</summary>
    public SettingsWriter Add(string name, float value) => Add(name, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Writes a number (shortest round-trip form, invariant culture).</summary>
    public SettingsWriter Add(string name, double value) => Add(name, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Writes an integer (invariant culture).</summary>
    public SettingsWriter Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes a switch as <c>on</c> or <c>off</c>.</summary>
    public SettingsWriter AddSwitch(string name, bool on) => Add(name, on ? "on" : "off");

    /// <summary>Writes a setting that names a file: <paramref name="value"/> is shown, the file's identity is matched on resume.</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="value">What people see, for example <c>image plate.png</c> (a full path would leak folder names into manifests).</param>
    /// <param name="path">The file.</param>
    public SettingsWriter AddFile(string name, string value, string path) => Append(new Setting(name, value, Path.GetFullPath(path)));

    private SettingsWriter Append(Setting setting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(setting.Name);
        if (_settings.Any(s => s.Name == setting.Name))
            throw new InvalidOperationException($"the setting '{setting.Name}' is described twice");
        _settings.Add(setting);
        return this;
    }
}
