using System.Globalization;

namespace Synthstage.Compositing;

/// <summary>What goes behind the keyed-out subject: a colour, an image file, or the frame itself blurred.</summary>
public abstract record BackgroundSpec : IBackgroundFactory
{
    /// <inheritdoc/>
    public abstract IBackgroundSource Create(int width, int height, int frameCount);

    /// <summary>Writes <c>background</c>: the colour as <c>#rrggbb</c>, <c>image NAME</c> (the file's identity is matched on resume) or <c>blur</c>.</summary>
    public abstract void Describe(SettingsWriter writer);

    /// <inheritdoc/>
    public abstract (string Origin, string Detail) ManifestPart { get; }

    /// <inheritdoc/>
    public virtual string? SourceFile => null;

    /// <summary>A solid colour.</summary>
    public sealed record Solid(byte R, byte G, byte B) : BackgroundSpec
    {
        /// <inheritdoc/>
        public override IBackgroundSource Create(int width, int height, int frameCount) => new SolidBackground(R, G, B);

        /// <inheritdoc/>
        public override void Describe(SettingsWriter writer) =>
            writer.Add("background", Colour);

        /// <inheritdoc/>
        public override (string Origin, string Detail) ManifestPart => ("replaced", "solid colour " + Colour);

        private string Colour => string.Create(CultureInfo.InvariantCulture, $"#{R:x2}{G:x2}{B:x2}");
    }

    /// <summary>An image file scaled to cover the frame and centred.</summary>
    public sealed record Image(string Path) : BackgroundSpec
    {
        /// <inheritdoc/>
        public override IBackgroundSource Create(int width, int height, int frameCount) => ImageBackground.Load(Path, width, height);

        /// <inheritdoc/>
        public override void Describe(SettingsWriter writer) =>
            writer.AddFile("background", "image " + System.IO.Path.GetFileName(Path), Path);

        /// <inheritdoc/>
        public override (string Origin, string Detail) ManifestPart => ("replaced", "image " + System.IO.Path.GetFileName(Path));

        /// <inheritdoc/>
        public override string? SourceFile => Path;
    }

    /// <summary>The current frame, strongly blurred (a "portrait mode" look).</summary>
    public sealed record Blur : BackgroundSpec
    {
        /// <inheritdoc/>
        public override IBackgroundSource Create(int width, int height, int frameCount) => new BlurredFrameBackground(width, height);

        /// <inheritdoc/>
        public override void Describe(SettingsWriter writer) => writer.Add("background", "blur");

        /// <inheritdoc/>
        public override (string Origin, string Detail) ManifestPart => ("captured", "the input frame, blurred");
    }

    /// <summary>Parses <c>#RRGGBB</c>, <c>blur</c>, or an image path.</summary>
    /// <exception cref="SynthstageException">A malformed colour or a missing image file.</exception>
    public static BackgroundSpec Parse(string value)
    {
        if (string.Equals(value, "blur", StringComparison.OrdinalIgnoreCase)) return new Blur();
        if (value.StartsWith('#'))
        {
            if (value.Length != 7 || !int.TryParse(value.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb))
                throw new SynthstageException($"background colour '{value}' must look like #RRGGBB", ExitCodes.Usage);
            return new Solid((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        }
        if (!File.Exists(value))
            throw new SynthstageException($"background image '{value}' does not exist (use an image path, #RRGGBB or blur)", ExitCodes.BadInput);
        return new Image(value);
    }
}
