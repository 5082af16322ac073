using Synthstage.Onnx;

namespace Synthstage.Upscaling;

/// <summary>Settings of <see cref="SuperResolutionUpscaler"/>.</summary>
public sealed record SuperResolutionOptions
{
    /// <summary>
    /// Width and height of the input tiles in source pixels; null picks about 512 output pixels per tile side
    /// (256 for ×2, 128 for ×4). Memory grows with the square of this, independently of the image size.
    /// </summary>
    public int? TileSize { get; init; }

    /// <summary>
    /// Source pixels each tile reads beyond the part of it that is kept; null uses the model's receptive radius
    /// (recorded by the TF.js importer), with which the tiled result equals a single whole-image run.
    /// </summary>
    public int? Overlap { get; init; }

    /// <summary>Threads inside one ONNX operator; 0 lets ONNX Runtime use one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Execution provider.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;
}
