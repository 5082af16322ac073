namespace Synthstage.Scenes;

/// <summary>A rectangle of the plate in plate pixels (edges, not centres).</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
public readonly record struct PlateWindow(double X, double Y, double Width, double Height);
