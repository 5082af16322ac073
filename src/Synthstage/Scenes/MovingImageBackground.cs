using Synthstage.Compositing;

namespace Synthstage.Scenes;

/// <summary>An image file behind the subject with a camera move over it (pan or zoom, eased over the clip; see <see cref="PlateBackground"/>).</summary>
/// <param name="Path">The image file.</param>
/// <param name="Motion">The move; validated by <see cref="Over"/>.</param>
public sealed record MovingImageBackground(string Path, PlateMotion Motion) : IBackgroundFactory
{
    /// <summary>
    /// The background for <paramref name="background"/> moved by <paramref name="motion"/>: the background itself when
    /// the motion is still, else a moving image.
    /// </summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: the travel is out of range, or motion was asked of a colour or blurred background.</exception>
    public static IBackgroundFactory Over(BackgroundSpec background, PlateMotion motion)
    {
        ArgumentNullException.ThrowIfNull(background);
        ArgumentNullException.ThrowIfNull(motion);
        motion.Validate();
        if (motion.IsStill) return background;
        return background is BackgroundSpec.Image image
            ? new MovingImageBackground(image.Path, motion)
            : throw new SynthstageException("--background-motion pan|zoom needs an image background or --prompt", ExitCodes.Usage);
    }

    /// <inheritdoc/>
    public IBackgroundSource Create(int width, int height, int frameCount) => PlateBackground.Load(Path, Motion, width, height, frameCount);

    /// <summary>Writes <c>background</c> (the image; its identity is matched on resume) and <c>motion</c>.</summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddFile("background", "image " + System.IO.Path.GetFileName(Path), Path).Add(Motion);
    }

    /// <inheritdoc/>
    public (string Origin, string Detail) ManifestPart =>
        ("replaced", $"image {System.IO.Path.GetFileName(Path)}, moved over by a {Motion.Kind.ToString().ToLowerInvariant()}");

    /// <inheritdoc/>
    public string? SourceFile => Path;
}
