using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Synthstage.Cli.Console;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage verify FILE</c>: manifest found and signature valid, file hash vs manifest, invisible watermark.
/// Exit codes: 0 checked (including "no provenance found"), 3 missing or undecodable file without a manifest,
/// 6 a manifest was changed after signing, 7 the file is not the one its manifest describes (re-encoded or edited).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A video, image or PNG-sequence folder" };
        var json = new Option<bool>("--json") { Description = "Print the full report as JSON" };
        var command = new Command("verify", "Check a file's provenance: signed manifest, file hash and invisible watermark")
        {
            file, json,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var path = result.GetValue(file)!;
            var report = await ConsoleProgress.RunAsync(progress => ProvenanceVerifier.VerifyAsync(path, progress: progress, ct: token));
            if (result.GetValue(json))
                System.Console.WriteLine(JsonSerializer.Serialize(report, ProvenanceManifest.JsonOptions));
            else
                Print(report);
            return report.ExitCode;
        }, ct));
        return command;
    }

    private static void Print(VerificationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        System.Console.WriteLine($"file: {report.Path}");
        if (report.Manifests.Count == 0) System.Console.WriteLine("manifest: none (no OUT.manifest.json beside it, none embedded)");
        // The sidecar and the embedded copy are one record: show it once when they agree, say where they differ otherwise.
        var manifests = report.Manifests;
        var differences = manifests.Count == 2 ? ManifestCopies.Differences(manifests[0], manifests[1]) : null;
        var agree = differences is { Count: 0 };
        foreach (var m in agree ? manifests.Take(1) : manifests)
        {
            var signer = m.SignerFingerprint is null ? "" : $", key {m.SignerFingerprint}{(m.SignedByLocalKey ? " (this user's key)" : "")}";
            var verdict = m.Signature switch
            {
                SignatureStatus.Valid => "signature valid (Ed25519" + signer + ")",
                SignatureStatus.Missing => "not signed",
                _ => m.Problem ?? "SIGNATURE INVALID: the file's manifest was changed after signing" + (signer.Length > 0 ? $" (claims{signer.TrimStart(',')})" : ""),
            };
            System.Console.WriteLine(agree
                ? $"manifest: {m.Source} and the embedded copy agree: {verdict}"
                : $"manifest: {m.Source}: {verdict}");
            if (m.Manifest is { } manifest)
            {
                System.Console.WriteLine($"  made by {manifest.Tool.Name} {manifest.Tool.Version} `{manifest.Command}` at {manifest.Finished.ToString("u", c)}, content id {manifest.ContentId}");
                foreach (var part in manifest.Parts) System.Console.WriteLine($"  {part.Part}: {part.Origin} ({part.Detail})");
                foreach (var prompt in manifest.Prompts) System.Console.WriteLine($"  prompt ({prompt.Role}): {prompt.Prompt}");
                foreach (var model in manifest.Models) System.Console.WriteLine($"  model ({model.Role}): {model.Id} {model.File} sha256 {model.Sha256[..Math.Min(16, model.Sha256.Length)]}… licence {model.Licence}");
                System.Console.WriteLine(manifest.Watermark.Embedded
                    ? $"  watermark recorded: payload {manifest.Watermark.Payload}"
                    : $"  watermark recorded as OFF: {manifest.Watermark.Note}");
                if (manifest.Label is not null) System.Console.WriteLine($"  visible label: \"{manifest.Label}\"");
            }
        }
        if (differences is { Count: > 0 })
            System.Console.WriteLine($"manifests: the sidecar and the embedded copy DIFFER in {string.Join(", ", differences)}");
        System.Console.WriteLine(report.HashMatches switch
        {
            true => $"file hash: matches the manifest (sha256 {report.Sha256})",
            false => $"file hash: DIFFERS from the manifest: the file was re-encoded or edited after it was made (sha256 {report.Sha256})",
            null => report.Manifests.Count == 0 ? $"file hash: sha256 {report.Sha256 ?? "unavailable"} (no manifest to compare with)"
                : $"file hash: sha256 {report.Sha256 ?? "unavailable"} (an embedded manifest cannot state its own file's hash; the sidecar does)",
        });
        var w = report.Watermark;
        if (!w.Scanned)
            System.Console.WriteLine($"watermark: could not look: {w.Problem}");
        else if (w.Found)
        {
            var expected = report.TrustedManifest?.Watermark.Payload;
            var link = expected is null ? "" : expected == w.Payload ? " (matches the manifest)" : $" (the manifest says {expected})";
            System.Console.WriteLine(string.Format(c, "watermark: FOUND in {0} of {1} {2}, payload {3}{4}, confidence {5:F6}",
                w.SegmentsFound, w.Segments, w.Segments == 1 ? "image/segment" : "one-second segments", w.Payload, link, w.Confidence));
        }
        else
            System.Console.WriteLine(w.SegmentsFound == 0
                ? $"watermark: not found (looked in {w.Segments} {(w.Segments == 1 ? "image/segment" : "one-second segments")})"
                : $"watermark: not found ({w.SegmentsFound} of {w.Segments} segments decoded, without two agreeing on a payload)");
        if (report.NothingFound)
            System.Console.WriteLine(w.Scanned
                ? "verdict: no Synthstage provenance: no manifest and no watermark. (That does not prove the file is authentic; it carries none of Synthstage's marks.)"
                : "verdict: no manifest, and the file could not be decoded as an image or video.");
        else if (report.Tampered)
            System.Console.WriteLine("verdict: the file's manifest was changed after signing: do not trust what it says.");
        else if (report.HashMatches == false)
            System.Console.WriteLine("verdict: made by Synthstage, but this file was re-encoded or edited since (the manifest describes the original).");
        else
            System.Console.WriteLine("verdict: made by Synthstage" + (report.Manifests.Count > 0 ? ", manifest intact." : " (watermark only; manifest not found)."));
    }
}
