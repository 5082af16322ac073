namespace Synthstage.Compositing;

/// <summary>How the low-resolution matte is enlarged to the frame's resolution.</summary>
public enum MatteRefinement
{
    /// <summary>Pixel-centre bilinear upsampling; threshold, softness and feather at mask resolution.</summary>
    Off,

    /// <summary>Colour guided filter with the full-resolution frame as guide, then feather at full resolution.</summary>
    Guided,
}
