using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// Adds the invisible watermark to packed RGB24/RGBA32 frames of one size. The pattern is a periodic tile whose
/// spectrum carries the payload (see <see cref="WatermarkLayout"/>); it is built once and expanded to one row of
/// fixed-point values per tile row across the frame's width. Each frame then gets a strength map from
/// <see cref="TextureMasking"/> (strong in texture, a faint floor on flat areas and smooth gradients, interpolated
/// bilinearly between 16×16 blocks so there are no seams), and every byte is changed by round(strength × tile),
/// saturated. The same delta goes to R, G and B, so luma (BT.601 or BT.709) moves by the pattern and chroma does
/// not; alpha is left alone. The tile, and so the payload, the sync template and what the detector looks for, are
/// the same as with a uniform strength: only the amplitude varies over the picture.
/// </summary>
/// <remarks>Thread-safe for concurrent <see cref="Embed"/> calls on different frames; the per-frame buffers are
/// pooled, so a frame allocates nothing once the pool holds them.</remarks>
public sealed class WatermarkEmbedder
{
    /// <summary>
    /// Default strength: the RMS change of luma over a frame in 8-bit levels (1.4 ≈ 45.2 dB PSNR with rounding),
    /// spread by the texture of the picture.
    /// </summary>
    public const double DefaultStrength = 1.4;

    // Fixed point: strengths in 1/64 level, tile values in 1/512 of the tile's RMS; their rounded high product
    // (x·y + 2¹⁴) >> 15 is then the delta in whole levels.
    private const int StrengthScale = 64;
    private const int TileScale = 512;

    private readonly short[] _tileRows;
    private readonly int _rowBytes;
    private readonly float _strength;
    private readonly TextureMasking _masking;
    private readonly int[] _blockOfByte;
    private readonly short[] _byteWeight;
    private readonly int[] _blockRowOfRow;
    private readonly short[] _rowWeight;

    private WatermarkEmbedder(short[] tileRows, int rowBytes, int width, int height, int bytesPerPixel, uint payload, double strength)
    {
        _tileRows = tileRows;
        _rowBytes = rowBytes;
        _strength = (float)strength;
        Width = width;
        Height = height;
        BytesPerPixel = bytesPerPixel;
        Payload = payload;
        _masking = new TextureMasking(width, height, bytesPerPixel);
        // Bilinear weights between block centres (pixel centres at x + ½, block centres at 16b + 8), as Q15.
        (_blockOfByte, _byteWeight) = Interpolation(width, _masking.BlocksX, bytesPerPixel);
        (_blockRowOfRow, _rowWeight) = Interpolation(height, _masking.BlocksY, 1);
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>3 for RGB24, 4 for RGBA32.</summary>
    public int BytesPerPixel { get; }

    /// <summary>The 32-bit id carried by the mark.</summary>
    public uint Payload { get; }

    /// <summary>Bytes of one frame.</summary>
    public int FrameBytes => _rowBytes * Height;

    /// <summary>Builds the tile rows and the masking geometry for frames of the given size.</summary>
    /// <param name="payload">The 32-bit id to carry (links the file to its manifest).</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="bytesPerPixel">3 (RGB24) or 4 (RGBA32).</param>
    /// <param name="strength">RMS luma change over a frame in 8-bit levels, spread by texture; 0.5–3 is sensible.</param>
    /// <param name="key">Pattern key; <see cref="WatermarkKey.Default"/> unless measuring false positives.</param>
    public static WatermarkEmbedder Create(uint payload, int width, int height, int bytesPerPixel = 3,
        double strength = DefaultStrength, WatermarkKey? key = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (bytesPerPixel is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(bytesPerPixel), bytesPerPixel, "3 (RGB24) or 4 (RGBA32)");
        if (!(strength > 0 && strength <= 4)) throw new ArgumentOutOfRangeException(nameof(strength), strength, "strength must be in (0, 4]");
        var layout = WatermarkLayout.For(key ?? WatermarkKey.Default);
        var tile = layout.SynthesizeTile(payload);
        const int n = WatermarkLayout.TileSize;
        var rowBytes = width * bytesPerPixel;
        var rows = new short[n * rowBytes];
        for (var ty = 0; ty < n; ty++)
        {
            var row = rows.AsSpan(ty * rowBytes, rowBytes);
            for (var x = 0; x < width; x++)
            {
                var value = (short)Math.Clamp(Math.Round(TileScale * tile[ty * n + x % n]), short.MinValue, short.MaxValue);
                var p = x * bytesPerPixel;
                row[p] = value;
                row[p + 1] = value;
                row[p + 2] = value;
            }
        }
        return new WatermarkEmbedder(rows, rowBytes, width, height, bytesPerPixel, payload, strength);
    }

    /// <summary>Marks one frame in place.</summary>
    /// <param name="frame">At least <see cref="FrameBytes"/> bytes of packed rows, top row first.</param>
    public void Embed(Span<byte> frame)
    {
        if (frame.Length < FrameBytes)
            throw new ArgumentException($"a frame needs {FrameBytes} bytes; got {frame.Length}", nameof(frame));
        var blocks = _masking.Blocks;
        var floats = ArrayPool<float>.Shared.Rent(blocks + _masking.ScratchFloats);
        var expanded = ArrayPool<short>.Shared.Rent(_masking.BlocksY * _rowBytes);
        try
        {
            var strengths = floats.AsSpan(0, blocks);
            _masking.BlockStrengths(frame[..FrameBytes], _strength, strengths, floats.AsSpan(blocks, _masking.ScratchFloats));
            for (var by = 0; by < _masking.BlocksY; by++)
                ExpandBlockRow(strengths.Slice(by * _masking.BlocksX, _masking.BlocksX), expanded.AsSpan(by * _rowBytes, _rowBytes));
            const int n = WatermarkLayout.TileSize;
            for (var y = 0; y < Height; y++)
            {
                var b0 = _blockRowOfRow[y];
                var b1 = Math.Min(b0 + 1, _masking.BlocksY - 1);
                AddModulated(frame.Slice(y * _rowBytes, _rowBytes), _tileRows.AsSpan(y % n * _rowBytes, _rowBytes),
                    expanded.AsSpan(b0 * _rowBytes, _rowBytes), expanded.AsSpan(b1 * _rowBytes, _rowBytes), _rowWeight[y]);
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(expanded);
            ArrayPool<float>.Shared.Return(floats);
        }
    }

    /// <summary>One block row's strengths interpolated across the frame, one fixed-point value per byte.</summary>
    private void ExpandBlockRow(ReadOnlySpan<float> blockRow, Span<short> destination)
    {
        var last = blockRow.Length - 1;
        var bpp = BytesPerPixel;
        // One value per pixel, repeated over its bytes (alpha's copy is multiplied by a zero tile value).
        for (var p = 0; p < destination.Length; p += bpp)
        {
            var b = _blockOfByte[p];
            var s0 = blockRow[b];
            var s1 = blockRow[Math.Min(b + 1, last)];
            var value = (short)MathF.Round(StrengthScale * (s0 + (s1 - s0) * (_byteWeight[p] / 32768f)));
            destination.Slice(p, bpp).Fill(value);
        }
    }

    /// <summary>For each of <paramref name="length"/> pixels (repeated per byte), the block whose centre is at or before it and the Q15 weight of the next.</summary>
    private static (int[] Block, short[] Weight) Interpolation(int length, int blocks, int repeat)
    {
        var block = new int[length * repeat];
        var weight = new short[length * repeat];
        for (var x = 0; x < length; x++)
        {
            var (b, w) = TextureMasking.Between(x, blocks);
            for (var r = 0; r < repeat; r++)
            {
                block[x * repeat + r] = b;
                weight[x * repeat + r] = (short)Math.Min(32767, Math.Round(32768 * w));
            }
        }
        return (block, weight);
    }

    /// <summary>
    /// pixels[i] = clamp(pixels[i] + round(s[i] · tile[i]), 0, 255) with s = s0 + (s1 − s0)·w, all in the fixed point
    /// above (the same arithmetic as the SSSE3/AVX2 rounded high multiply, so every path gives the same bytes).
    /// </summary>
    internal static void AddModulated(Span<byte> pixels, ReadOnlySpan<short> tile, ReadOnlySpan<short> s0, ReadOnlySpan<short> s1, short weight)
    {
        var i = 0;
        if (Avx2.IsSupported)
        {
            ref var p = ref MemoryMarshal.GetReference(pixels);
            ref var t = ref MemoryMarshal.GetReference(tile);
            ref var a = ref MemoryMarshal.GetReference(s0);
            ref var b = ref MemoryMarshal.GetReference(s1);
            var w = Vector256.Create(weight);
            var max = Vector256.Create((short)255);
            for (; i + Vector256<byte>.Count <= pixels.Length; i += Vector256<byte>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)i));
                var low = Modulate(lo.AsInt16(), ref t, ref a, ref b, i, w, max);
                var high = Modulate(hi.AsInt16(), ref t, ref a, ref b, i + 16, w, max);
                Vector256.Narrow(low.AsUInt16(), high.AsUInt16()).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < pixels.Length; i++)
        {
            var s = s0[i] + ((s1[i] - s0[i]) * weight + 0x4000 >> 15);
            pixels[i] = (byte)Math.Clamp(pixels[i] + (s * tile[i] + 0x4000 >> 15), 0, 255);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Modulate(Vector256<short> pixels, ref short tile, ref short s0, ref short s1, int i, Vector256<short> weight, Vector256<short> max)
    {
        var a = Vector256.LoadUnsafe(ref s0, (nuint)i);
        var strength = a + Avx2.MultiplyHighRoundScale(Vector256.LoadUnsafe(ref s1, (nuint)i) - a, weight);
        var delta = Avx2.MultiplyHighRoundScale(strength, Vector256.LoadUnsafe(ref tile, (nuint)i));
        return Vector256.Min(Vector256.Max(pixels + delta, Vector256<short>.Zero), max);
    }
}
