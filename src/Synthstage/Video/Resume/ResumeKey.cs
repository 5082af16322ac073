using System.Text.Json.Nodes;

namespace Synthstage.Video.Resume;

/// <summary>
/// The parameters a resumed keyed render must repeat: the command, the footage's identity and every setting the
/// render's descriptions wrote — the same list its manifest records — with the identity of each file a setting names.
/// </summary>
internal static class ResumeKey
{
    /// <summary>The key of a render of <paramref name="inputPath"/> by <paramref name="command"/> with <paramref name="settings"/>.</summary>
    public static JsonObject Build(string command, string inputPath, IReadOnlyList<Setting> settings)
    {
        var described = new JsonObject();
        foreach (var setting in settings)
            described[setting.Name] = setting.FilePath is null ? setting.Value : FileIdentity(setting.FilePath, setting.Value);
        return new JsonObject
        {
            ["command"] = command,
            ["input"] = FileIdentity(inputPath, null),
            ["settings"] = described,
        };
    }

    // Path, size and modification time: an edited or replaced file gives another key. A missing file is recorded as
    // such; the render then fails on it with its own message.
    private static JsonObject FileIdentity(string path, string? value)
    {
        var file = new FileInfo(path);
        var identity = new JsonObject();
        if (value is not null) identity["value"] = value;
        identity["path"] = file.FullName;
        identity["bytes"] = file.Exists ? file.Length : -1;
        identity["modified"] = file.Exists ? file.LastWriteTimeUtc.Ticks : 0;
        return identity;
    }
}
