using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Studio;

/// <summary>The gallery's reading of <see cref="ProvenanceVerifier"/>'s report: one verdict line and what was checked.</summary>
/// <param name="Verdict">"made by Synthstage — synthetic background", "… — whole frame synthetic", or what went wrong.</param>
/// <param name="Trusted">The manifest's signature holds and the file is the one it describes.</param>
/// <param name="Signature">The first manifest's signature status, or null without one.</param>
/// <param name="HashMatches">Whether the file's hash is the manifest's.</param>
/// <param name="Watermark">Whether the invisible watermark was found.</param>
/// <param name="Parts">Which parts of the picture are captured, replaced or synthetic.</param>
/// <param name="Parameters">The settings the manifest records.</param>
/// <param name="Models">Models used, with their licences.</param>
public sealed record OutputProvenance(string Verdict, bool Trusted, string? Signature, bool? HashMatches, bool Watermark,
    IReadOnlyList<PartRecord> Parts, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<ModelRecord> Models)
{
    /// <summary>The prompts the manifest records, by role (a walk's "keyframe 1", "keyframe 2", …).</summary>
    public IReadOnlyList<PromptRecord> Prompts { get; init; } = [];

    /// <summary>The seeds the manifest records, in order (a walk's: one per keyframe).</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [];

    /// <summary>The input files the manifest records (name and SHA-256), by role.</summary>
    public IReadOnlyList<FileRecord> Inputs { get; init; } = [];

    /// <summary>Verifies <paramref name="path"/> and sums the report up.</summary>
    public static async Task<OutputProvenance> CheckAsync(string path, CancellationToken ct)
    {
        // The watermark scan decodes the whole video: its verdict is kept beside the output for as long as the file
        // (size and time) and its credentials sidecar (WebM, PNG sequences) stay as they were checked.
        var sidecar = Path.ChangeExtension(path, ".c2pa");
        // The leading version changes whenever the summary gains fields, so older verdicts are checked again.
        var stamp = $"2|{new FileInfo(path).Length}|{File.GetLastWriteTimeUtc(path).Ticks}|{(File.Exists(sidecar) ? File.GetLastWriteTimeUtc(sidecar).Ticks : 0)}";
        var cache = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".provenance.json");
        if (File.Exists(cache))
        {
            var kept = System.Text.Json.JsonSerializer.Deserialize<Cached>(await File.ReadAllTextAsync(cache, ct).ConfigureAwait(false), JobStore.Json);
            if (kept?.Stamp == stamp) return kept.Result;
        }
        var result = From(await ProvenanceVerifier.VerifyAsync(path, ct: ct).ConfigureAwait(false));
        await File.WriteAllTextAsync(cache, System.Text.Json.JsonSerializer.Serialize(new Cached(stamp, result), JobStore.Json), ct).ConfigureAwait(false);
        return result;
    }

    private sealed record Cached(string Stamp, OutputProvenance Result);

    /// <summary>The summary of a verification report.</summary>
    public static OutputProvenance From(VerificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var manifest = report.TrustedManifest;
        var parts = manifest?.Parts ?? [];
        var credentials = report.Credentials.ExitCode;
        var tampered = report.Tampered || credentials is VerifyExitCodes.ManifestTampered or VerifyExitCodes.ManifestUnreadable;
        var changed = report.HashMatches == false || credentials == VerifyExitCodes.FileChanged;
        var trusted = manifest is not null && !tampered && !changed;
        var verdict = tampered ? "the content credentials were changed after signing"
            : report.NothingFound ? "no content credentials or watermark found"
            : changed ? "made by Synthstage, but re-encoded or edited since"
            : "made by Synthstage" + Nature(parts);
        var c2pa = report.Credentials.Manifests.FirstOrDefault();
        var signature = c2pa is not null ? (c2pa.SignatureValid ? "Valid" : "Invalid") : report.Manifests.FirstOrDefault()?.Signature.ToString();
        var hashMatches = c2pa?.Binding.Matches ?? report.HashMatches;
        return new OutputProvenance(verdict, trusted, signature, hashMatches,
            report.Watermark.Found, parts, manifest?.Parameters ?? new Dictionary<string, string>(), manifest?.Models ?? [])
        {
            Prompts = manifest?.Prompts ?? [],
            Seeds = manifest?.Seeds ?? [],
            Inputs = manifest?.Inputs ?? [],
        };
    }

    private static string Nature(IReadOnlyList<PartRecord> parts)
    {
        bool Is(string part, string origin) => parts.Any(p => p.Part == part && p.Origin == origin);
        // generate records the part as "frame", walk as "whole frame".
        if (Is("frame", "synthetic") || Is("whole frame", "synthetic")) return " — whole frame synthetic";
        if (Is("background", "synthetic")) return " — synthetic background";
        if (Is("background", "replaced")) return " — background replaced";
        return parts.Count > 0 ? " — captured footage" : "";
    }
}
