using System.Buffers;

namespace Synthstage.Compositing;

/// <summary>
/// Shapes a low-resolution probability mask in place: a smoothstep around the threshold, then a separable
/// Gaussian feather whose width is given in full-frame pixels and converted per axis (the mask is stretched).
/// Working at mask resolution keeps the cost independent of the frame size. With guided refinement
/// (<see cref="MatteEnlargers.UsesGuidedFilter"/>) only threshold and softness happen here; the feather follows the filter.
/// </summary>
public sealed class MatteShaper : IDisposable
{
    private readonly MatteOptions _options;
    private readonly int _width;
    private readonly int _height;
    private readonly float[] _kernelX;
    private readonly float[] _kernelY;
    private readonly float[] _scratch;

    /// <summary>Prepares the shaper for one mask size and one frame size.</summary>
    public MatteShaper(MatteOptions options, int maskWidth, int maskHeight, int frameWidth, int frameHeight)
    {
        options.Validate();
        _options = options;
        _width = maskWidth;
        _height = maskHeight;
        // With guided refinement the feather is applied after the filter, at full resolution.
        var featherHere = !MatteEnlargers.UsesGuidedFilter(options, maskWidth, maskHeight, frameWidth, frameHeight);
        _kernelX = featherHere ? GaussianKernel(options.Feather * maskWidth / frameWidth) : [1f];
        _kernelY = featherHere ? GaussianKernel(options.Feather * maskHeight / frameHeight) : [1f];
        _scratch = ArrayPool<float>.Shared.Rent(maskWidth * maskHeight);
    }

    /// <summary>Applies threshold, softness and feather to <paramref name="mask"/> (height×width, 0..1).</summary>
    public void Apply(Span<float> mask)
    {
        var n = _width * _height;
        var values = mask[..n];
        var half = _options.Softness / 2;
        var low = _options.Threshold - half;
        var range = _options.Softness;
        for (var i = 0; i < values.Length; i++)
        {
            var p = values[i];
            if (range <= 1e-6f)
            {
                values[i] = p >= _options.Threshold ? 1f : 0f;
                continue;
            }
            var t = Math.Clamp((p - low) / range, 0f, 1f);
            values[i] = t * t * (3 - 2 * t);
        }
        if (_kernelX.Length > 1 || _kernelY.Length > 1)
        {
            var tmp = _scratch.AsSpan(0, n);
            ConvolveRows(values, tmp, _kernelX);
            ConvolveColumns(tmp, values, _kernelY);
        }
    }

    private void ConvolveRows(ReadOnlySpan<float> source, Span<float> destination, float[] kernel)
    {
        var r = kernel.Length / 2;
        for (var y = 0; y < _height; y++)
        {
            var row = source.Slice(y * _width, _width);
            var dst = destination.Slice(y * _width, _width);
            for (var x = 0; x < _width; x++)
            {
                var sum = 0f;
                for (var k = -r; k <= r; k++) sum += kernel[k + r] * row[Math.Clamp(x + k, 0, _width - 1)];
                dst[x] = sum;
            }
        }
    }

    private void ConvolveColumns(ReadOnlySpan<float> source, Span<float> destination, float[] kernel)
    {
        var r = kernel.Length / 2;
        for (var y = 0; y < _height; y++)
        {
            var dst = destination.Slice(y * _width, _width);
            dst.Clear();
            for (var k = -r; k <= r; k++)
            {
                var src = source.Slice(Math.Clamp(y + k, 0, _height - 1) * _width, _width);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(src, kernel[k + r], dst, dst);
            }
        }
    }

    /// <summary>A normalised Gaussian of standard deviation <paramref name="sigma"/>; a single tap when it is negligible.</summary>
    internal static float[] GaussianKernel(float sigma) => Imaging.GaussianFeather.Kernel(sigma);

    /// <summary>Returns the pooled scratch buffer.</summary>
    public void Dispose() => ArrayPool<float>.Shared.Return(_scratch);
}
