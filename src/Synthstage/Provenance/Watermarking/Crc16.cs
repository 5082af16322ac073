namespace Synthstage.Provenance.Watermarking;

/// <summary>CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) over a bit string, most significant bit first.</summary>
internal static class Crc16
{
    public static ushort OfBits(ReadOnlySpan<byte> bits)
    {
        var crc = 0xFFFF;
        foreach (var b in bits)
        {
            var top = ((crc >> 15) & 1) ^ (b & 1);
            crc = (crc << 1) & 0xFFFF;
            if (top != 0) crc ^= 0x1021;
        }
        return (ushort)crc;
    }
}
