using System.Text.Json;
using System.Text.Json.Serialization;

namespace Synthstage.Provenance.Manifest;

/// <summary>
/// What Synthstage records about one output. Written beside the output as <c>OUT.manifest.json</c> (with the output's
/// SHA-256 in <see cref="Output"/>) and embedded in the output where the format allows (without <see cref="Output"/>:
/// a file cannot contain its own hash). Both copies carry the same <see cref="ContentId"/>, whose first 32 bits are
/// the watermark's payload, and both are signed.
/// </summary>
public sealed record ProvenanceManifest
{
    /// <summary>Identifies this schema.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>The current schema name.</summary>
    public const string FormatName = "synthstage-provenance/1";

    /// <summary>128-bit random id of the output, 32 hex digits; the watermark carries its first 8.</summary>
    public required string ContentId { get; init; }

    /// <summary>Tool name and version.</summary>
    public required ToolRecord Tool { get; init; }

    /// <summary>The operation: composite, matte, generate, …</summary>
    public required string Command { get; init; }

    /// <summary>The command line as typed (arguments after the program name), when run from the CLI.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Settings that shaped the output, by name.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new SortedDictionary<string, string>();

    /// <summary>Input files with their SHA-256.</summary>
    public IReadOnlyList<FileRecord> Inputs { get; init; } = [];

    /// <summary>Models used, with SHA-256 and licence.</summary>
    public IReadOnlyList<ModelRecord> Models { get; init; } = [];

    /// <summary>Prompts, by role.</summary>
    public IReadOnlyList<PromptRecord> Prompts { get; init; } = [];

    /// <summary>Random seeds used.</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [];

    /// <summary>Which parts of the picture are captured and which are synthetic.</summary>
    public IReadOnlyList<PartRecord> Parts { get; init; } = [];

    /// <summary>The invisible watermark: embedded or not (and why), and its payload.</summary>
    public required WatermarkRecord Watermark { get; init; }

    /// <summary>Text of the visible label, or null when none was drawn.</summary>
    public string? Label { get; init; }

    /// <summary>When the work started (UTC).</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>When the output was complete (UTC).</summary>
    public DateTimeOffset Finished { get; init; }

    /// <summary>The output file and its SHA-256 (sidecar only).</summary>
    public FileRecord? Output { get; init; }

    /// <summary>Where the manifest copy lives: "sidecar" or "embedded".</summary>
    public string? Copy { get; init; }

    /// <summary>The Ed25519 signature over the canonical JSON of everything else.</summary>
    public SignatureRecord? Signature { get; init; }

    /// <summary>JSON settings for manifests: camelCase, nulls omitted, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };
}

/// <summary>The program that made the output.</summary>
/// <param name="Name">"synthstage".</param>
/// <param name="Version">Its version.</param>
public sealed record ToolRecord(string Name, string Version);

/// <summary>A file and its hash.</summary>
/// <param name="Role">What the file was: footage, background, init-image, output, …</param>
/// <param name="Name">File name (no folders, so manifests do not leak paths).</param>
/// <param name="Sha256">Lower-case hex SHA-256 (for a folder: of the sorted "name sha256" lines of its files).</param>
/// <param name="Bytes">Size in bytes.</param>
public sealed record FileRecord(string Role, string Name, string Sha256, long Bytes);

/// <summary>A model used.</summary>
/// <param name="Role">segmentation, text-encoder, unet, vae-decoder, …</param>
/// <param name="Id">Catalog id or the name given.</param>
/// <param name="File">The model file.</param>
/// <param name="Sha256">Its SHA-256.</param>
/// <param name="Licence">Licence from the model catalog, or "unknown".</param>
public sealed record ModelRecord(string Role, string Id, string File, string Sha256, string Licence);

/// <summary>A prompt.</summary>
/// <param name="Role">What it generated: image, background, keyframe 1, …</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="Negative">The negative prompt, or null.</param>
public sealed record PromptRecord(string Role, string Prompt, string? Negative = null);

/// <summary>One part of the picture and where it came from.</summary>
/// <param name="Part">subject, background or frame (the whole picture).</param>
/// <param name="Origin">captured (real footage), synthetic (generated by a model) or replaced (a user-supplied image or colour).</param>
/// <param name="Detail">How, in a few words.</param>
public sealed record PartRecord(string Part, string Origin, string Detail);

/// <summary>The invisible watermark of an output.</summary>
/// <param name="Embedded">True when every frame/image carries it.</param>
/// <param name="Payload">The 32-bit payload as 8 hex digits (the first 8 of the content id), when embedded.</param>
/// <param name="Scheme">Name and parameters of the watermark scheme.</param>
/// <param name="Note">Why it is absent (--no-watermark, or a format that cannot carry it).</param>
public sealed record WatermarkRecord(bool Embedded, string? Payload, string Scheme, string? Note = null);

/// <summary>A manifest signature.</summary>
/// <param name="Algorithm">"Ed25519".</param>
/// <param name="PublicKey"><c>ed25519:BASE64</c> of the signer's public key.</param>
/// <param name="Value">Base64 of the 64-byte signature over the canonical JSON of the manifest without this member.</param>
public sealed record SignatureRecord(string Algorithm, string PublicKey, string Value);
