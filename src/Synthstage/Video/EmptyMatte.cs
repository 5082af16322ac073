using System.Globalization;
using System.Numerics.Tensors;

namespace Synthstage.Video;

/// <summary>Recognises frames in which the segmenter found no person, and words the warning about them.</summary>
public static class EmptyMatte
{
    /// <summary>A matte whose largest value stays below this (after shaping) holds no subject.</summary>
    public const float Level = 0.1f;

    /// <summary>True when no value of the shaped low-resolution matte reaches <see cref="Level"/>.</summary>
    public static bool IsEmpty(ReadOnlySpan<float> matte) => matte.IsEmpty || TensorPrimitives.Max(matte) < Level;

    /// <summary>Appends "no person found in P% of the frames" to <paramref name="warning"/> when <paramref name="emptyFrames"/> &gt; 0.</summary>
    public static string? AddWarning(string? warning, int emptyFrames, int frames)
    {
        if (emptyFrames <= 0 || frames <= 0) return warning;
        var share = 100.0 * emptyFrames / frames;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"no person found in {share:0.#}% of the frames ({emptyFrames} of {frames}): the matte is empty there, so only the background shows; try footage with a person in view, or a lower --threshold");
        return warning is null ? text : warning + "; " + text;
    }
}
