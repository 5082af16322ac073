namespace Synthstage.Tfjs;

/// <summary>A float32 weight tensor read from a TF.js weight shard.</summary>
/// <param name="Name">Manifest name, for example <c>F_0/kernel</c>.</param>
/// <param name="Shape">Dimensions as the manifest lists them (a Conv2D kernel is HWIO: [kh, kw, in, out]).</param>
/// <param name="Values">Row-major values; length is the product of <paramref name="Shape"/>.</param>
public sealed record TfjsWeight(string Name, int[] Shape, float[] Values);
