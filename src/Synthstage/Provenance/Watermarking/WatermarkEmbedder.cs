using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// Adds the invisible watermark to packed RGB24/RGBA32 frames of one size. The pattern is a periodic tile whose
/// spectrum carries the payload (see <see cref="WatermarkLayout"/>); it is built once, expanded to one row of
/// signed deltas per tile row across the frame's width, and each frame then costs one saturating SIMD add per
/// byte. The same delta goes to R, G and B, so luma (BT.601 or BT.709) moves by the pattern and chroma does
/// not; alpha is left alone.
/// </summary>
/// <remarks>Thread-safe for concurrent <see cref="Embed"/> calls on different frames; allocation-free per frame.</remarks>
public sealed class WatermarkEmbedder
{
    /// <summary>Default pattern strength: RMS change of luma in 8-bit levels (2.0 ≈ 42 dB PSNR).</summary>
    public const double DefaultStrength = 2.0;

    private readonly sbyte[] _rows;
    private readonly int _rowBytes;

    private WatermarkEmbedder(sbyte[] rows, int rowBytes, int width, int height, int bytesPerPixel, uint payload)
    {
        _rows = rows;
        _rowBytes = rowBytes;
        Width = width;
        Height = height;
        BytesPerPixel = bytesPerPixel;
        Payload = payload;
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

    /// <summary>Builds the per-row deltas for frames of the given size.</summary>
    /// <param name="payload">The 32-bit id to carry (links the file to its manifest).</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="bytesPerPixel">3 (RGB24) or 4 (RGBA32).</param>
    /// <param name="strength">RMS luma change in 8-bit levels; 1–4 is sensible.</param>
    /// <param name="key">Pattern key; <see cref="WatermarkKey.Default"/> unless measuring false positives.</param>
    public static WatermarkEmbedder Create(uint payload, int width, int height, int bytesPerPixel = 3,
        double strength = DefaultStrength, WatermarkKey? key = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (bytesPerPixel is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(bytesPerPixel), bytesPerPixel, "3 (RGB24) or 4 (RGBA32)");
        if (!(strength > 0 && strength <= 16)) throw new ArgumentOutOfRangeException(nameof(strength), strength, "strength must be in (0, 16]");
        var layout = WatermarkLayout.For(key ?? WatermarkKey.Default);
        var tile = layout.SynthesizeTile(payload);
        const int n = WatermarkLayout.TileSize;
        var rowBytes = width * bytesPerPixel;
        var rows = new sbyte[n * rowBytes];
        for (var ty = 0; ty < n; ty++)
        {
            var row = rows.AsSpan(ty * rowBytes, rowBytes);
            for (var x = 0; x < width; x++)
            {
                var delta = (sbyte)Math.Clamp(Math.Round(strength * tile[ty * n + x % n]), -127, 127);
                var p = x * bytesPerPixel;
                row[p] = delta;
                row[p + 1] = delta;
                row[p + 2] = delta;
            }
        }
        return new WatermarkEmbedder(rows, rowBytes, width, height, bytesPerPixel, payload);
    }

    /// <summary>Marks one frame in place.</summary>
    /// <param name="frame">At least <see cref="FrameBytes"/> bytes of packed rows, top row first.</param>
    public void Embed(Span<byte> frame)
    {
        if (frame.Length < FrameBytes)
            throw new ArgumentException($"a frame needs {FrameBytes} bytes; got {frame.Length}", nameof(frame));
        const int n = WatermarkLayout.TileSize;
        for (var y = 0; y < Height; y++)
            AddSaturating(frame.Slice(y * _rowBytes, _rowBytes), _rows.AsSpan(y % n * _rowBytes, _rowBytes));
    }

    /// <summary>pixels[i] = clamp(pixels[i] + deltas[i], 0, 255).</summary>
    internal static void AddSaturating(Span<byte> pixels, ReadOnlySpan<sbyte> deltas)
    {
        var i = 0;
        ref var p = ref MemoryMarshal.GetReference(pixels);
        ref var d = ref MemoryMarshal.GetReference(deltas);
        // Flipping the top bit maps 0..255 onto −128..127, where a signed saturating add is the clamp we want.
        if (Avx2.IsSupported)
        {
            var bias = Vector256.Create((byte)0x80);
            for (; i <= pixels.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var x = (Vector256.LoadUnsafe(ref p, (nuint)i) ^ bias).AsSByte();
                var sum = Avx2.AddSaturate(x, Vector256.LoadUnsafe(ref d, (nuint)i)).AsByte() ^ bias;
                sum.StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Sse2.IsSupported)
        {
            var bias = Vector128.Create((byte)0x80);
            for (; i <= pixels.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var x = (Vector128.LoadUnsafe(ref p, (nuint)i) ^ bias).AsSByte();
                var sum = Sse2.AddSaturate(x, Vector128.LoadUnsafe(ref d, (nuint)i)).AsByte() ^ bias;
                sum.StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < pixels.Length; i++)
            Unsafe.Add(ref p, i) = (byte)Math.Clamp(Unsafe.Add(ref p, i) + Unsafe.Add(ref d, i), 0, 255);
    }
}
