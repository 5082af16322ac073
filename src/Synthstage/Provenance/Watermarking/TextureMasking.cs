using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// Decides how strongly each part of a frame can carry the watermark without being seen (visual masking): grain
/// hides in texture and shows on flat colour, smooth gradients and blur. Activity is measured per 16×16 block as the
/// mean absolute second difference across and down (zero on any linear ramp, so a gradient counts as flat; the
/// 8-bit steps of a smooth ramp stay below the threshold), mapped to a texture weight between 0 (flat) and 1,
/// eroded by one block so the strength never spills from texture onto a neighbouring flat area, and scaled so that
/// the frame's RMS change meets the budget: flat blocks keep a small fixed floor, textured ones share the rest.
/// The block strengths are later interpolated bilinearly between block centres, so there are no seams.
/// </summary>
/// <remarks>Holds only geometry; every per-frame buffer is the caller's, so one instance serves concurrent frames.</remarks>
internal sealed class TextureMasking
{
    /// <summary>Edge of a masking block in pixels, as the embedder measures it.</summary>
    public const int DefaultBlockSize = 16;

    /// <summary>Strength on flat areas, in 8-bit levels RMS before rounding (rounded, about 0.3 levels of added luma std).</summary>
    public const float FlatStrength = 0.35f;

    /// <summary>The most strength any block gets, in levels, however little texture shares the budget.</summary>
    public const float MaximumStrength = 5f;

    /// <summary>Activity (mean |second difference| across + down, per sample) at and below which a block is flat.</summary>
    private const float FlatActivity = 1.6f;

    /// <summary>Activity at and above which a block is fully textured.</summary>
    private const float TexturedActivity = 5f;

    /// <summary>Rows sampled per block for the activity (every fourth row is plenty for a statistic over 16×16).</summary>
    private const int SampledRows = 4;

    private readonly int _width;
    private readonly int _height;
    private readonly int _bytesPerPixel;

    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="bytesPerPixel">3 or 4.</param>
    /// <param name="blockSize">Block edge; the detector shrinks it with the size of the content it examines, so the blocks cover the embedder's.</param>
    public TextureMasking(int width, int height, int bytesPerPixel, int blockSize = DefaultBlockSize)
    {
        BlockSize = blockSize;
        _width = width;
        _height = height;
        _bytesPerPixel = bytesPerPixel;
        BlocksX = (width + BlockSize - 1) / BlockSize;
        BlocksY = (height + BlockSize - 1) / BlockSize;
    }

    /// <summary>3 for RGB24, 4 for RGBA32.</summary>
    public int BytesPerPixel => _bytesPerPixel;

    /// <summary>Frame width in pixels.</summary>
    public int Width => _width;

    /// <summary>Edge of a block in pixels.</summary>
    public int BlockSize { get; }

    /// <summary>Blocks across.</summary>
    public int BlocksX { get; }

    /// <summary>Blocks down.</summary>
    public int BlocksY { get; }

    /// <summary>Blocks in a frame.</summary>
    public int Blocks => BlocksX * BlocksY;

    /// <summary>
    /// The strength of every block in levels (row-major), meeting an RMS budget of <paramref name="strength"/>.
    /// </summary>
    /// <param name="frame">Packed rows of the frame to mark.</param>
    /// <param name="strength">Target RMS luma change over the frame, in levels.</param>
    /// <param name="strengths">Receives <see cref="Blocks"/> values.</param>
    /// <param name="scratch">At least <see cref="Blocks"/> floats plus one row of the frame in shorts (<see cref="ScratchFloats"/>).</param>
    public void BlockStrengths(ReadOnlySpan<byte> frame, float strength, Span<float> strengths, Span<float> scratch)
    {
        var weights = scratch[..Blocks];
        var accumulator = MemoryMarshal.Cast<float, short>(scratch[Blocks..])[..(_width * _bytesPerPixel)];
        Activity(frame, weights, accumulator);
        for (var i = 0; i < weights.Length; i++) weights[i] = MathF.Sqrt(Math.Clamp((weights[i] - FlatActivity) / (TexturedActivity - FlatActivity), 0f, 1f));
        Erode(weights, strengths);
        Budget(strengths, strength);
    }

    /// <summary>Floats of scratch <see cref="BlockStrengths"/> needs.</summary>
    public int ScratchFloats => Blocks + (_width * _bytesPerPixel + 1) / 2 + 1;

    /// <summary>Block strengths interpolated bilinearly between block centres, one value per pixel (for the detector).</summary>
    public void ExpandToPixels(ReadOnlySpan<float> blocks, Span<float> pixels)
    {
        for (var y = 0; y < _height; y++)
        {
            var (b0, wy) = Between(y, BlocksY, BlockSize);
            var b1 = Math.Min(b0 + 1, BlocksY - 1);
            var row = pixels.Slice(y * _width, _width);
            for (var x = 0; x < _width; x++)
            {
                var (c0, wx) = Between(x, BlocksX, BlockSize);
                var c1 = Math.Min(c0 + 1, BlocksX - 1);
                var top = blocks[b0 * BlocksX + c0] + (blocks[b0 * BlocksX + c1] - blocks[b0 * BlocksX + c0]) * wx;
                var bottom = blocks[b1 * BlocksX + c0] + (blocks[b1 * BlocksX + c1] - blocks[b1 * BlocksX + c0]) * wx;
                row[x] = top + (bottom - top) * wy;
            }
        }
    }

    /// <summary>The block centre at or before pixel <paramref name="x"/> (centres at (b + ½)·size) and the weight of the next.</summary>
    public static (int Block, float Weight) Between(int x, int blocks, int blockSize = DefaultBlockSize)
    {
        var position = (x + 0.5) / blockSize - 0.5;
        var b = Math.Clamp((int)Math.Floor(position), 0, blocks - 1);
        return b == blocks - 1 ? (b, 0f) : (b, (float)Math.Clamp(position - b, 0, 1));
    }

    /// <summary>
    /// Mean absolute second difference per colour sample of each block, horizontal plus vertical, over
    /// <see cref="SampledRows"/> rows of the block.
    /// </summary>
    internal void Activity(ReadOnlySpan<byte> frame, Span<float> activity, Span<short> accumulator)
    {
        var stride = _width * _bytesPerPixel;
        var bpp = _bytesPerPixel;
        for (var by = 0; by < BlocksY; by++)
        {
            accumulator.Clear();
            var rows = 0;
            for (var k = 0; k < SampledRows; k++)
            {
                var y = by * BlockSize + 1 + k * (BlockSize / SampledRows);
                if (y > _height - 2) break;
                rows++;
                AccumulateRow(frame.Slice((y - 1) * stride, stride), frame.Slice(y * stride, stride), frame.Slice((y + 1) * stride, stride), bpp, accumulator);
            }
            for (var bx = 0; bx < BlocksX; bx++)
            {
                var x0 = bx * BlockSize;
                var pixels = Math.Min(BlockSize, _width - x0);
                var sum = 0;
                var span = accumulator.Slice(x0 * bpp, pixels * bpp);
                for (var i = 0; i < span.Length; i++)
                    if (bpp == 3 || (i & 3) != 3) sum += span[i];
                activity[by * BlocksX + bx] = rows == 0 ? 0 : (float)sum / (rows * pixels * 3);
            }
        }
    }

    /// <summary>accumulator[i] += |2c − left − right| + |2c − up − down| for every sample with both neighbours.</summary>
    internal static void AccumulateRow(ReadOnlySpan<byte> up, ReadOnlySpan<byte> row, ReadOnlySpan<byte> down, int bpp, Span<short> accumulator)
    {
        var i = bpp;
        var end = row.Length - bpp;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var c = ref MemoryMarshal.GetReference(row);
            ref var u = ref MemoryMarshal.GetReference(up);
            ref var d = ref MemoryMarshal.GetReference(down);
            ref var a = ref MemoryMarshal.GetReference(accumulator);
            for (; i + Vector256<byte>.Count <= end; i += Vector256<byte>.Count)
            {
                var (cLo, cHi) = Vector256.Widen(Vector256.LoadUnsafe(ref c, (nuint)i));
                var (lLo, lHi) = Vector256.Widen(Vector256.LoadUnsafe(ref c, (nuint)(i - bpp)));
                var (rLo, rHi) = Vector256.Widen(Vector256.LoadUnsafe(ref c, (nuint)(i + bpp)));
                var (uLo, uHi) = Vector256.Widen(Vector256.LoadUnsafe(ref u, (nuint)i));
                var (dLo, dHi) = Vector256.Widen(Vector256.LoadUnsafe(ref d, (nuint)i));
                var lo = SecondDifferences(cLo.AsInt16(), lLo.AsInt16(), rLo.AsInt16(), uLo.AsInt16(), dLo.AsInt16());
                var hi = SecondDifferences(cHi.AsInt16(), lHi.AsInt16(), rHi.AsInt16(), uHi.AsInt16(), dHi.AsInt16());
                (Vector256.LoadUnsafe(ref a, (nuint)i) + lo).StoreUnsafe(ref a, (nuint)i);
                (Vector256.LoadUnsafe(ref a, (nuint)(i + 16)) + hi).StoreUnsafe(ref a, (nuint)(i + 16));
            }
        }
        for (; i < end; i++)
        {
            var c2 = 2 * row[i];
            accumulator[i] += (short)(Math.Abs(c2 - row[i - bpp] - row[i + bpp]) + Math.Abs(c2 - up[i] - down[i]));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> SecondDifferences(Vector256<short> c, Vector256<short> l, Vector256<short> r, Vector256<short> u, Vector256<short> d)
    {
        var c2 = c + c;
        return Vector256.Abs(c2 - l - r) + Vector256.Abs(c2 - u - d);
    }

    /// <summary>Each block takes the least texture weight of its 3×3 neighbourhood.</summary>
    private void Erode(ReadOnlySpan<float> weights, Span<float> eroded)
    {
        for (var by = 0; by < BlocksY; by++)
            for (var bx = 0; bx < BlocksX; bx++)
            {
                var least = 1f;
                for (var y = Math.Max(0, by - 1); y <= Math.Min(BlocksY - 1, by + 1); y++)
                    for (var x = Math.Max(0, bx - 1); x <= Math.Min(BlocksX - 1, bx + 1); x++)
                        least = Math.Min(least, weights[y * BlocksX + x]);
                // Half of a block's own texture survives next to a flat block: thin textured regions (edges, a
                // pattern on a mug) still carry the mark, and the bilinear ramp into the flat side stays faint.
                eroded[by * BlocksX + bx] = Math.Max(least, 0.5f * weights[by * BlocksX + bx]);
            }
    }

    /// <summary>
    /// Texture weights w → strengths f + g·w, with f the flat floor and g chosen so that the mean of the squared
    /// strengths is the squared budget; capped at <see cref="MaximumStrength"/>.
    /// </summary>
    private static void Budget(Span<float> values, float strength)
    {
        var floor = Math.Min(FlatStrength, strength);
        double sum = 0, squares = 0;
        foreach (var w in values)
        {
            sum += w;
            squares += w * w;
        }
        var n = values.Length;
        double a = squares / n, b = 2 * floor * sum / n, c = floor * floor - (double)strength * strength;
        var gain = a > 1e-9 ? (float)((-b + Math.Sqrt(Math.Max(0, b * b - 4 * a * c))) / (2 * a)) : 0f;
        for (var i = 0; i < values.Length; i++) values[i] = Math.Min(MaximumStrength, floor + gain * values[i]);
    }
}
