using Synthstage.Compositing;

namespace Synthstage.Studio;

/// <summary>
/// The background of the clip page's matte preview: the frame itself in dim grey with the click overlay's blue in it,
/// so the composite shows the subject in its own colours and everything the matte leaves out dimmed, as the overlay
/// does. A background of the real composite path, so the preview's matte is the render's (guided enlargement and all).
/// </summary>
public sealed class MatteTintBackground : IBackgroundFactory
{
    /// <summary>Share of the frame's brightness kept where the matte is 0, out of 256.</summary>
    public const int Dim = 77;

    /// <summary>The click overlay's tint (app.js draws the mask in this colour).</summary>
    public static readonly (byte R, byte G, byte B) Tint = (40, 170, 255);

    /// <summary>Share of <see cref="Tint"/> mixed in, out of 256.</summary>
    public const int TintShare = 38;

    /// <inheritdoc/>
    public IBackgroundSource Create(int width, int height, int frameCount) => new Source();

    /// <inheritdoc/>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("background", "matte preview: the frame dimmed and tinted");
    }

    /// <inheritdoc/>
    public (string Origin, string Detail) ManifestPart => ("captured", "the input frame, dimmed");

    /// <inheritdoc/>
    public string? SourceFile => null;

    /// <summary>The dimmed, tinted frame: grey from the frame's luma (BT.601 weights), scaled by <see cref="Dim"/>, plus the tint.</summary>
    private sealed class Source : IBackgroundSource
    {
        private static readonly int TintR = Tint.R * TintShare, TintG = Tint.G * TintShare, TintB = Tint.B * TintShare;

        public bool IsStatic => false;

        public void Render(ReadOnlySpan<byte> frame, Span<byte> destination)
        {
            for (var i = 0; i + 2 < frame.Length && i + 2 < destination.Length; i += 3)
            {
                var luma = (77 * frame[i] + 150 * frame[i + 1] + 29 * frame[i + 2]) >> 8;
                var grey = luma * Dim;
                destination[i] = (byte)Math.Min(255, (grey + TintR) >> 8);
                destination[i + 1] = (byte)Math.Min(255, (grey + TintG) >> 8);
                destination[i + 2] = (byte)Math.Min(255, (grey + TintB) >> 8);
            }
        }

        public void Dispose()
        {
        }
    }
}
