using System.Buffers.Binary;
using System.Security.Cryptography;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance;

/// <summary>
/// The per-frame provenance stage of one output: embeds the invisible watermark, then draws the visible label.
/// Holds the output's content id, whose first 32 bits are the watermark payload. Allocation-free per frame.
/// </summary>
public sealed class OutputStamp
{
    private readonly WatermarkEmbedder? _embedder;
    private readonly VisibleLabel? _label;
    private readonly int _width;
    private readonly int _bytesPerPixel;

    private OutputStamp(ProvenanceOptions options, byte[] contentId, WatermarkEmbedder? embedder, VisibleLabel? label, int width, int bytesPerPixel)
    {
        Options = options;
        ContentId = Convert.ToHexStringLower(contentId);
        Payload = BinaryPrimitives.ReadUInt32BigEndian(contentId);
        _embedder = embedder;
        _label = label;
        _width = width;
        _bytesPerPixel = bytesPerPixel;
    }

    /// <summary>The options this stamp follows.</summary>
    public ProvenanceOptions Options { get; }

    /// <summary>The output's 128-bit content id, 32 hex digits.</summary>
    public string ContentId { get; }

    /// <summary>The watermark payload: the content id's first 32 bits.</summary>
    public uint Payload { get; }

    /// <summary>True when frames get the invisible watermark.</summary>
    public bool Watermarks => _embedder is not null;

    /// <summary>True when <see cref="Apply"/> changes frames at all.</summary>
    public bool ChangesFrames => _embedder is not null || _label is not null;

    /// <summary>Prepares the stamp for frames of one size.</summary>
    /// <param name="options">Watermark and label settings.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="bytesPerPixel">3 (RGB24) or 4 (RGBA32).</param>
    public static OutputStamp Create(ProvenanceOptions options, int width, int height, int bytesPerPixel) =>
        Create(options, width, height, bytesPerPixel, null);

    /// <summary>Prepares the stamp for frames of one size with a given content id (an output resumed across runs keeps one id and payload).</summary>
    /// <param name="options">Watermark and label settings.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="bytesPerPixel">3 (RGB24) or 4 (RGBA32).</param>
    /// <param name="contentId">32 hex digits, or null for a fresh random id.</param>
    public static OutputStamp Create(ProvenanceOptions options, int width, int height, int bytesPerPixel, string? contentId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = contentId is null ? RandomNumberGenerator.GetBytes(16) : Convert.FromHexString(contentId);
        if (id.Length != 16) throw new ArgumentException("a content id has 32 hex digits", nameof(contentId));
        var embedder = options.Watermark
            ? WatermarkEmbedder.Create(BinaryPrimitives.ReadUInt32BigEndian(id), width, height, bytesPerPixel, options.WatermarkStrength)
            : null;
        var label = string.IsNullOrWhiteSpace(options.Label) ? null : VisibleLabel.Create(options.Label, width, height);
        return new OutputStamp(options, id, embedder, label, width, bytesPerPixel);
    }

    /// <summary>Marks one packed frame in place.</summary>
    public void Apply(Span<byte> frame)
    {
        _embedder?.Embed(frame);
        _label?.Apply(frame, _width, _bytesPerPixel);
    }
}
