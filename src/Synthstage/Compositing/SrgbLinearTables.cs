namespace Synthstage.Compositing;

/// <summary>
/// sRGB ↔ linear-light lookup tables (IEC 61966-2-1 transfer curve). Decoding is one entry per 8-bit code;
/// encoding indexes a 16-bit table by <c>round(linear · 65535)</c>, fine enough that every 8-bit code survives the
/// round trip unchanged (the closest two codes, 0 and 1, are 20 table steps apart in linear light).
/// </summary>
public static class SrgbLinearTables
{
    /// <summary>Size of the encoding table minus one: linear values are scaled by this before lookup.</summary>
    public const int EncodeScale = 65535;

    private static readonly float[] Decode = BuildDecode();
    private static readonly byte[] Encode = BuildEncode();

    /// <summary>Linear light (0..1) of each 8-bit sRGB code.</summary>
    public static ReadOnlySpan<float> ToLinear => Decode;

    /// <summary>The 8-bit sRGB code nearest to a linear value given as <c>round(linear · 65535)</c>.</summary>
    public static ReadOnlySpan<byte> ToSrgb => Encode;

    /// <summary>Linear light of one 8-bit code.</summary>
    public static float Linear(byte code) => Decode[code];

    /// <summary>The 8-bit sRGB code of a linear value, clamped to 0..1.</summary>
    public static byte Srgb(float linear) => Encode[(int)(Math.Clamp(linear, 0f, 1f) * EncodeScale + 0.5f)];

    /// <summary>The exact transfer curve, sRGB (0..1) to linear (0..1).</summary>
    public static double SrgbToLinear(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);

    /// <summary>The exact inverse curve, linear (0..1) to sRGB (0..1).</summary>
    public static double LinearToSrgb(double v) => v <= 0.0031308 ? v * 12.92 : 1.055 * Math.Pow(v, 1 / 2.4) - 0.055;

    private static float[] BuildDecode()
    {
        var table = new float[256];
        for (var i = 0; i < 256; i++) table[i] = (float)SrgbToLinear(i / 255.0);
        return table;
    }

    private static byte[] BuildEncode()
    {
        var table = new byte[EncodeScale + 1];
        for (var i = 0; i <= EncodeScale; i++) table[i] = (byte)Math.Round(LinearToSrgb(i / (double)EncodeScale) * 255, MidpointRounding.AwayFromZero);
        // Make decode → encode the identity even where rounding the curve would disagree with the table's own decode.
        for (var code = 0; code < 256; code++) table[(int)(Decode[code] * EncodeScale + 0.5f)] = (byte)code;
        return table;
    }
}
