using Synthstage.Media;

namespace Synthstage.Studio;

/// <summary>
/// A matte preview checked before anything runs (<see cref="ClipMattePreview.PlanAsync"/>): the clip probed, the model
/// and the points validated, the preview's size and its cache key chosen.
/// </summary>
/// <param name="Clip">The clip, relative to the data folder.</param>
/// <param name="Input">The clip's probe.</param>
/// <param name="Model">The keying model (as <c>--model</c>).</param>
/// <param name="Points">The subject points, as a render gets them.</param>
/// <param name="Width">Preview width (even).</param>
/// <param name="Height">Preview height (even).</param>
/// <param name="ClipHash">SHA-256 of the clip's content (hex).</param>
/// <param name="Key">The cache key: clip hash, model, points and size.</param>
/// <param name="OutputPath">Where the finished preview is (or will be): a WebM file under the data folder's work folder.</param>
public sealed record MattePreviewPlan(string Clip, VideoInfo Input, string Model, IReadOnlyList<SubjectPoint> Points,
    int Width, int Height, string ClipHash, string Key, string OutputPath)
{
    /// <summary>True when a preview of exactly these settings is already finished.</summary>
    public bool IsCached => File.Exists(OutputPath);
}
