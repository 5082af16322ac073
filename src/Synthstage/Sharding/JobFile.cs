namespace Synthstage.Sharding;

/// <summary>An input or model of a job with the content hash it had when the job was planned.</summary>
/// <param name="Role">What it is (<c>footage</c>, <c>unet</c>, <c>segmentation</c>).</param>
/// <param name="Path">Its full path, the same on every worker (a shared volume mounted at one place).</param>
/// <param name="Sha256">SHA-256 of its bytes, lowercase hex.</param>
/// <param name="Bytes">Its length.</param>
public sealed record JobFile(string Role, string Path, string Sha256, long Bytes);
