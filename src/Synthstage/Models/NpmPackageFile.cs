namespace Synthstage.Models;

/// <summary>A file to take out of an npm package.</summary>
/// <param name="PathInPackage">Path inside the package, without the tarball's leading <c>package/</c> folder
/// (for example <c>selfie_segmentation.tflite</c>).</param>
/// <param name="Sha256">Expected SHA-256 as 64 hex digits (any case), or null to skip verification.</param>
public sealed record NpmPackageFile(string PathInPackage, string? Sha256 = null);
