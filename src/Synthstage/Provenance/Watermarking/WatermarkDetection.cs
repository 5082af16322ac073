namespace Synthstage.Provenance.Watermarking;

/// <summary>The outcome of looking for the watermark in one image or one segment of video.</summary>
/// <param name="Found">True when a payload decoded with a valid CRC at a synchronisation peak.</param>
/// <param name="Payload">The decoded 32-bit id, or null.</param>
/// <param name="Confidence">1 − <paramref name="FalseAlarmProbability"/> when found; 0 otherwise.</param>
/// <param name="FalseAlarmProbability">Upper bound on the chance that unmarked content yields a detection this strong
/// (scales tried × min(peaks tried, shifts × Q(sync score)) × 2⁻¹⁶ for the CRC).</param>
/// <param name="SyncScore">Height of the best synchronisation peak in standard deviations of the no-watermark case.</param>
/// <param name="Scale">Size of the examined content relative to the marked original (0.5 = halved).</param>
/// <param name="OffsetX">Horizontal phase of the tile grid found, in original pixels (a crop shows up here).</param>
/// <param name="OffsetY">Vertical phase of the tile grid found, in original pixels.</param>
/// <param name="CodedBitErrors">Coded bits whose soft value disagreed with the decoded codeword (of <paramref name="CodedBits"/>).</param>
/// <param name="CodedBits">Length of the codeword.</param>
/// <param name="Frames">Frames that contributed evidence.</param>
public sealed record WatermarkDetection(bool Found, uint? Payload, double Confidence, double FalseAlarmProbability,
    double SyncScore, double Scale, int OffsetX, int OffsetY, int CodedBitErrors, int CodedBits, int Frames)
{
    /// <summary>The payload as 8 hex digits, or null.</summary>
    public string? PayloadHex => Payload?.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
}
