using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Synthstage.Cli.Console;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage verify FILE</c>: C2PA content credentials (anyone's), Synthstage's older manifests, invisible watermark.
/// Exit codes: 0 checked (including "no provenance found"), 3 missing or undecodable file without a manifest,
/// 6 a manifest or its signature was changed after signing, 7 the file is not the one its manifest describes
/// (re-encoded or edited), 8 a corrupt or truncated manifest store or more than one in the file, 9 the signer
/// certificate has expired or breaks the C2PA certificate profile.
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
        PrintCredentials(report.Credentials, report.Path);
        if (report.Manifests.Count == 0 && report.Credentials.Manifests.Count == 0) System.Console.WriteLine("manifest: none (no OUT.manifest.json beside it, none embedded)");
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
        else if (report.Credentials.ExitCode is { } code)
            System.Console.WriteLine(code switch
            {
                VerifyExitCodes.ManifestUnreadable => "verdict: the content credentials cannot be read or relied on (see above).",
                VerifyExitCodes.ManifestTampered => "verdict: the content credentials were changed after signing: do not trust what they say.",
                VerifyExitCodes.FileChanged => "verdict: the file's bytes are not the ones signed: it was edited or re-encoded after signing.",
                _ => "verdict: the file is as signed, but the signer's certificate is not valid (see above).",
            });
        else if (report.Tampered)
            System.Console.WriteLine("verdict: the file's manifest was changed after signing: do not trust what it says.");
        else if (report.HashMatches == false)
            System.Console.WriteLine("verdict: made by Synthstage, but this file was re-encoded or edited since (the manifest describes the original).");
        else
            System.Console.WriteLine(report.Credentials.Manifests.Any(m => !m.Intact)
                ? "verdict: content credentials found, but not every part could be checked here (see \"not checked\" above); nothing checked failed."
                : report.Credentials.Manifests.Count > 0
                ? $"verdict: content credentials intact, signed by {report.Credentials.Manifests[0].Signer?.Subject ?? "an unnamed signer"}; the certificate is not from an authority this verifier trusts, so this proves the file is unchanged since signing, not who signed it."
                : "verdict: made by Synthstage" + (report.Manifests.Count > 0 ? ", manifest intact." : " (watermark only; manifest not found)."));
    }

    private static void PrintCredentials(CredentialsCheck credentials, string path)
    {
        var c = CultureInfo.InvariantCulture;
        if (credentials.Manifests.Count == 0)
            System.Console.WriteLine(credentials.Container is null
                ? $"content credentials (C2PA): none; this container cannot embed them and no {Path.GetFileName(Synthstage.Provenance.C2pa.C2paSigner.SidecarPath(path))} sidecar is beside it"
                : $"content credentials (C2PA): none{(credentials.Problem is null ? "" : $" readable ({credentials.Problem})")}");
        else if (credentials.Problem is not null)
            System.Console.WriteLine($"content credentials (C2PA): {credentials.Problem}");
        foreach (var m in credentials.Manifests)
        {
            System.Console.WriteLine($"content credentials (C2PA), {m.Source}:");
            if (!m.Readable)
            {
                System.Console.WriteLine($"  UNREADABLE: {m.Problem}");
                continue;
            }
            System.Console.WriteLine($"  manifest {m.ManifestLabel} (claim v{m.ClaimVersion}) by {m.ClaimGenerator ?? "an unnamed tool"}{(m.Title is null ? "" : $", title {m.Title}")}");
            if (m.Signer is { } signer)
                System.Console.WriteLine($"  signer: {signer.Subject}, issued by {signer.Issuer}{(signer.ThisUsersCredential ? " (this user's Synthstage credential)" : "")}, valid {signer.NotBefore.ToString("u", c)} to {signer.NotAfter.ToString("u", c)}, sha256 {signer.Sha256Fingerprint[..16]}…");
            System.Console.WriteLine(m.SignatureValid
                ? $"  signature: valid ({m.Algorithm}){(m.SigningTime is { } t ? $", signed at {t.ToString("u", c)} (the signer's own clock, not a time-stamp authority)" : "")}"
                : !m.SignatureChecked ? $"  signature: {m.Statuses.FirstOrDefault(f => f.Code == "synthstage.signature.unchecked")?.Explanation}"
                : $"  signature: INVALID: {m.Failures.FirstOrDefault(f => f.Code.StartsWith("claimSignature", StringComparison.Ordinal))?.Explanation}");
            System.Console.WriteLine(m.AssertionsIntact ? "  assertions: all as signed" : "  assertions: CHANGED OR MISSING after signing");
            System.Console.WriteLine($"  binding ({m.Binding.Assertion ?? "none"}): {(m.Binding.Matches switch { true => "matches", false => "FAILS", null => "unchecked" })}: {m.Binding.Detail}");
            foreach (var action in m.Actions)
                System.Console.WriteLine($"  action {action.Action}{(action.DigitalSourceType is { } type ? $" [{type[(type.LastIndexOf('/') + 1)..]}]" : "")}{(action.Description is { } d ? $": {d}" : "")}");
            foreach (var ingredient in m.Ingredients)
                System.Console.WriteLine($"  ingredient ({ingredient.Relationship}): {ingredient.Title} {ingredient.Format}{(ingredient.Sha256 is { } h ? $" sha256 {h[..Math.Min(16, h.Length)]}…" : "")}");
            if (m.SynthstageRecord?["prompts"] is System.Text.Json.Nodes.JsonArray prompts)
                foreach (var prompt in prompts) System.Console.WriteLine($"  prompt ({prompt?["role"]}): {prompt?["prompt"]}");
            foreach (var failure in m.Failures.Where(f => !f.Code.StartsWith("claimSignature", StringComparison.Ordinal)))
                System.Console.WriteLine($"  FAILURE {failure.Code}: {failure.Explanation}");
            System.Console.WriteLine("  trust: signingCredential.untrusted: no trust list is consulted, and a self-signed credential proves integrity (the file is as signed), not identity (who signed it)");
        }
    }
}
