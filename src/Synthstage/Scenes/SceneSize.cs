namespace Synthstage.Scenes;

/// <summary>Picks the size a scene is generated at: the model's native pixel count at the wanted aspect ratio.</summary>
public static class SceneSize
{
    /// <summary>
    /// The width and height, multiples of <paramref name="alignment"/>, whose product is nearest
    /// <paramref name="nativePixels"/> and whose ratio is nearest <paramref name="aspect"/> (width / height).
    /// </summary>
    /// <param name="nativePixels">Pixels the model was trained at (512² for SD 1.5).</param>
    /// <param name="aspect">Wanted width / height.</param>
    /// <param name="alignment">Side multiple, at least 8.</param>
    /// <param name="maxSide">Largest side accepted by the pipeline.</param>
    public static (int Width, int Height) Choose(long nativePixels, double aspect, int alignment, int maxSide = 8192)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nativePixels, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(alignment, 1);
        if (!(aspect > 0) || double.IsInfinity(aspect)) throw new ArgumentOutOfRangeException(nameof(aspect), aspect, "aspect must be a positive number");
        // Score candidates by log-distance in both area and aspect, so 10% too wide weighs like 10% too many pixels.
        var best = (Width: alignment, Height: alignment);
        var bestScore = double.MaxValue;
        var idealHeight = Math.Sqrt(nativePixels / aspect);
        var centre = Math.Max(1, (int)Math.Round(idealHeight / alignment));
        for (var k = Math.Max(1, centre - 3); k <= centre + 3; k++)
        {
            var h = k * alignment;
            if (h > maxSide) break;
            var idealWidth = h * aspect;
            foreach (var m in new[] { Math.Floor(idealWidth / alignment), Math.Ceiling(idealWidth / alignment) })
            {
                var w = (int)Math.Max(1, m) * alignment;
                if (w > maxSide) continue;
                var score = Math.Abs(Math.Log((double)w * h / nativePixels)) + Math.Abs(Math.Log((double)w / h / aspect));
                if (score < bestScore)
                {
                    bestScore = score;
                    best = (w, h);
                }
            }
        }
        return best;
    }
}
