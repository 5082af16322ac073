using System.Numerics.Tensors;
using Synthstage.Imaging;

namespace Synthstage.Compositing;

/// <summary>
/// Light wrap: a blurred copy of the background bleeds into the subject's edge, as light from a real scene would.
/// The wrap weight is <c>strength · alpha · blur(1 − matte)</c>: the inverse matte is blurred at the mask's own low
/// resolution (cheap) and enlarged bilinearly; the mix <c>out + (blurredBg − out)·weight</c> runs in linear light and
/// only where the weight is non-zero, a band a few percent of the frame wide inside the subject's outline.
/// </summary>
public sealed class LightWrap : IDisposable
{
    /// <summary>Standard deviation of the matte blur as a share of the frame's height.</summary>
    public const float RadiusShareOfHeight = 0.015f;

    private readonly int _width;
    private readonly int _height;
    private readonly int _maskWidth;
    private readonly int _maskHeight;
    private readonly float _strength;
    private readonly float[] _kernelX;
    private readonly float[] _kernelY;
    private readonly float[] _inverse;
    private readonly float[] _scratch;
    private readonly byte[] _wrap;
    private readonly MaskUpsampler _upsampler;

    /// <summary>Prepares buffers for frames of width×height and low-resolution masks of maskWidth×maskHeight.</summary>
    public LightWrap(int width, int height, int maskWidth, int maskHeight, float strength)
    {
        _width = width;
        _height = height;
        _maskWidth = maskWidth;
        _maskHeight = maskHeight;
        _strength = strength;
        var sigma = RadiusShareOfHeight * height;
        _kernelX = MatteShaper.GaussianKernel(sigma * maskWidth / width);
        _kernelY = MatteShaper.GaussianKernel(sigma * maskHeight / height);
        _inverse = new float[maskWidth * maskHeight];
        _scratch = new float[maskWidth * maskHeight];
        _wrap = new byte[width * height];
        _upsampler = new MaskUpsampler(maskWidth, maskHeight, width, height);
    }

    /// <summary>Bleeds <paramref name="blurredBackground"/> into the subject's edge of the composited <paramref name="frame"/>, in place.</summary>
    /// <param name="frame">The composite, RGB24.</param>
    /// <param name="blurredBackground">The background blurred, RGB24, the frame's size.</param>
    /// <param name="alpha">Full-resolution matte.</param>
    /// <param name="mask">The shaped low-resolution matte (maskHeight×maskWidth, 0..1).</param>
    public void Apply(Span<byte> frame, ReadOnlySpan<byte> blurredBackground, ReadOnlySpan<byte> alpha, ReadOnlySpan<float> mask)
    {
        var n = _maskWidth * _maskHeight;
        // 1 − matte, blurred, clamped: how much background surrounds each point.
        TensorPrimitives.Negate(mask[..n], _inverse);
        TensorPrimitives.Add(_inverse, 1f, _inverse);
        ConvolveRows(_inverse, _scratch);
        ConvolveColumns(_scratch, _inverse);
        _upsampler.Upsample(_inverse, _wrap);

        var lin = SrgbLinearTables.ToLinear;
        var enc = SrgbLinearTables.ToSrgb;
        var k = _strength / (255f * 255f);
        for (var y = 0; y < _height; y++)
        {
            var a = alpha.Slice(y * _width, _width);
            var first = a.IndexOfAnyExcept((byte)0);
            if (first < 0) continue;
            var last = a.LastIndexOfAnyExcept((byte)0);
            var wrap = _wrap.AsSpan(y * _width, _width);
            var rowOffset = y * _width * 3;
            for (var x = first; x <= last; x++)
            {
                var weight = a[x] * wrap[x] * k;
                if (weight < 1f / 1024) continue;
                var i = rowOffset + x * 3;
                for (var c = i; c < i + 3; c++)
                {
                    var o = lin[frame[c]];
                    var v = o + (lin[blurredBackground[c]] - o) * weight;
                    frame[c] = enc[(int)(v * SrgbLinearTables.EncodeScale + 0.5f)];
                }
            }
        }
    }

    private void ConvolveRows(ReadOnlySpan<float> source, Span<float> destination)
    {
        var r = _kernelX.Length / 2;
        for (var y = 0; y < _maskHeight; y++)
        {
            var row = source.Slice(y * _maskWidth, _maskWidth);
            var dst = destination.Slice(y * _maskWidth, _maskWidth);
            for (var x = 0; x < _maskWidth; x++)
            {
                var sum = 0f;
                for (var t = -r; t <= r; t++) sum += _kernelX[t + r] * row[Math.Clamp(x + t, 0, _maskWidth - 1)];
                dst[x] = sum;
            }
        }
    }

    private void ConvolveColumns(ReadOnlySpan<float> source, Span<float> destination)
    {
        var r = _kernelY.Length / 2;
        for (var y = 0; y < _maskHeight; y++)
        {
            var dst = destination.Slice(y * _maskWidth, _maskWidth);
            dst.Clear();
            for (var t = -r; t <= r; t++)
                TensorPrimitives.MultiplyAdd(source.Slice(Math.Clamp(y + t, 0, _maskHeight - 1) * _maskWidth, _maskWidth), _kernelY[t + r], dst, dst);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _upsampler.Dispose();
}
