namespace Synthstage.Compositing;

/// <summary>
/// What goes behind the subject, before the frame size is known: a render describes it (resume key, manifest) when it
/// starts and creates the per-frame <see cref="IBackgroundSource"/> once it has probed the footage.
/// </summary>
public interface IBackgroundFactory : ISettingsDescription
{
    /// <summary>The background for frames of width×height; <paramref name="frameCount"/> is the clip's length (a moving background spreads its move over it).</summary>
    /// <exception cref="SynthstageException">A background file is missing or cannot be decoded.</exception>
    IBackgroundSource Create(int width, int height, int frameCount);

    /// <summary>How a manifest names the background: its origin (<c>replaced</c>, <c>captured</c> or <c>synthetic</c>) and a detail.</summary>
    (string Origin, string Detail) ManifestPart { get; }

    /// <summary>The file the background is made from (a manifest hashes it), or null.</summary>
    string? SourceFile { get; }
}
