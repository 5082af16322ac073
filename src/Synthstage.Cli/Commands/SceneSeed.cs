using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Synthstage.Cli.Commands;

/// <summary>
/// The seed of a generated scene when <c>--seed</c> is not given: derived from what the user asked for, so
/// <c>composite --preview</c> and the full render of the same command show the same scene, and rerunning an
/// interrupted render resumes (the seed is part of its resume key).
/// </summary>
internal static class SceneSeed
{
    /// <summary>
    /// A seed in [0, 2³²) from the prompts, the negative prompt and the input's file name and size (so a copy of
    /// the clip elsewhere gets the same scene, another clip another one). Stable across runs, machines and .NET versions.
    /// </summary>
    public static ulong Derive(IReadOnlyList<string> prompts, string negative, string inputPath)
    {
        var text = new StringBuilder();
        foreach (var prompt in prompts) text.Append("prompt\0").Append(prompt).Append('\0');
        text.Append("negative\0").Append(negative).Append('\0');
        text.Append("input\0").Append(Path.GetFileName(Path.GetFullPath(inputPath)));
        if (File.Exists(inputPath)) text.Append('\0').Append(new FileInfo(inputPath).Length.ToString(CultureInfo.InvariantCulture));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash);
    }
}
