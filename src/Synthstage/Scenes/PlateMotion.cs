namespace Synthstage.Scenes;

/// <summary>
/// A camera move over a background plate, eased over the clip: which part of the plate each output frame shows.
/// The plate is made larger than the frame by <see cref="Travel"/> (wider for a pan, both ways for a zoom) so the
/// move never runs out of picture and never enlarges the plate past its prepared size.
/// </summary>
/// <param name="Kind">None, pan or zoom.</param>
/// <param name="Travel">How much larger than the frame the plate is, as a share (0.2 = 20%); 0..1.</param>
public sealed record PlateMotion(BackgroundMotion Kind, double Travel = 0.2) : ISettingsDescription
{
    /// <summary>No motion.</summary>
    public static PlateMotion Still { get; } = new(BackgroundMotion.None, 0);

    /// <summary>True when every frame shows the same plate.</summary>
    public bool IsStill => Kind == BackgroundMotion.None || Travel <= 0;

    /// <summary>The plate's aspect ratio relative to the frame's: wider for a pan, the same otherwise.</summary>
    public double AspectFactor => Kind == BackgroundMotion.Pan ? 1 + Travel : 1;

    /// <summary>Writes <c>motion</c>: <c>none</c>, or the kind and its travel (<c>pan 0.2</c>).</summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("motion", IsStill ? "none" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Kind.ToString().ToLowerInvariant()} {Travel:R}"));
    }

    /// <summary>Throws when <see cref="Travel"/> is out of range.</summary>
    /// <exception cref="SynthstageException">Travel outside 0..1.</exception>
    public void Validate()
    {
        if (!(Travel is >= 0 and <= 1))
            throw new SynthstageException($"background motion travel must be between 0 and 1 (got {Travel})", ExitCodes.Usage);
    }

    /// <summary>The size the plate is prepared at for frames of <paramref name="frameWidth"/>×<paramref name="frameHeight"/>.</summary>
    public (int Width, int Height) PlateSize(int frameWidth, int frameHeight) => IsStill ? (frameWidth, frameHeight) : Kind switch
    {
        BackgroundMotion.Pan => ((int)Math.Ceiling(frameWidth * (1 + Travel)), frameHeight),
        _ => ((int)Math.Ceiling(frameWidth * (1 + Travel)), (int)Math.Ceiling(frameHeight * (1 + Travel))),
    };

    /// <summary>Ease-in-out over 0..1 (half a cosine): the move starts and ends at rest.</summary>
    public static double Ease(double t) => 0.5 - 0.5 * Math.Cos(Math.PI * Math.Clamp(t, 0, 1));

    /// <summary>The plate rectangle frame <paramref name="frameIndex"/> of <paramref name="frameCount"/> shows, in plate pixels.</summary>
    /// <param name="frameIndex">Zero-based output frame.</param>
    /// <param name="frameCount">Frames in the clip (the move spans them all); 1 or less gives the start.</param>
    /// <param name="plateWidth">Plate width from <see cref="PlateSize"/>.</param>
    /// <param name="plateHeight">Plate height.</param>
    /// <param name="frameWidth">Output frame width.</param>
    /// <param name="frameHeight">Output frame height.</param>
    public PlateWindow Window(int frameIndex, int frameCount, int plateWidth, int plateHeight, int frameWidth, int frameHeight)
    {
        var t = Ease(frameCount <= 1 ? 0 : (double)frameIndex / (frameCount - 1));
        switch (IsStill ? BackgroundMotion.None : Kind)
        {
            case BackgroundMotion.Pan:
                return new PlateWindow(t * (plateWidth - frameWidth), (plateHeight - frameHeight) / 2.0, frameWidth, frameHeight);
            case BackgroundMotion.Zoom:
                // From the whole plate to a frame-sized centre: the scale goes 1 + travel → 1 geometrically, so the push feels even.
                var scale = Math.Pow((double)frameWidth / plateWidth, t);
                double w = plateWidth * scale, h = plateHeight * scale;
                return new PlateWindow((plateWidth - w) / 2, (plateHeight - h) / 2, w, h);
            default:
                return new PlateWindow((plateWidth - frameWidth) / 2.0, (plateHeight - frameHeight) / 2.0, frameWidth, frameHeight);
        }
    }
}
