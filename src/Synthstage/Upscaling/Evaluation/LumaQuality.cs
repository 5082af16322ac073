namespace Synthstage.Upscaling.Evaluation;

/// <summary>
/// PSNR and SSIM as super-resolution papers report them (and BasicSR computes them): on the luma Y of ITU-R BT.601
/// studio range (MATLAB's <c>rgb2ycbcr</c>: 16..235, not rounded), with <c>border</c> pixels cropped from every side,
/// peak 255. SSIM is Wang et al.'s: an 11×11 Gaussian window of σ 1.5, K1 = 0.01, K2 = 0.03, the mean over the
/// positions where the window fits. On RGB, PSNR runs over every channel value instead.
/// </summary>
public static class LumaQuality
{
    /// <summary>Y (16..235) of each pixel of interleaved RGB bytes, cropped by <paramref name="border"/> on every side.</summary>
    public static double[] Luma(ReadOnlySpan<byte> rgb, int width, int height, int border)
    {
        int w = width - 2 * border, h = height - 2 * border;
        if (w <= 0 || h <= 0) throw new ArgumentException($"a border of {border} leaves nothing of {width}×{height}");
        var y = new double[w * h];
        for (var row = 0; row < h; row++)
            for (var x = 0; x < w; x++)
            {
                var p = ((row + border) * width + x + border) * 3;
                y[row * w + x] = 16.0 + (65.481 * rgb[p] + 128.553 * rgb[p + 1] + 24.966 * rgb[p + 2]) / 255.0;
            }
        return y;
    }

    /// <summary>PSNR in dB of two equally long planes or images, peak 255 (infinity when equal).</summary>
    public static double Psnr(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("the two images differ in size");
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        var mse = sum / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>PSNR over every channel value of two RGB images, cropped by <paramref name="border"/>.</summary>
    public static double RgbPsnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height, int border)
    {
        var x = Crop(a, width, height, border);
        var y = Crop(b, width, height, border);
        return Psnr(x, y);
    }

    /// <summary>Mean SSIM of two planes of <paramref name="width"/> × <paramref name="height"/> values on the 0..255 scale.</summary>
    public static double Ssim(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int width, int height)
    {
        const int size = 11;
        const double c1 = 0.01 * 255 * 0.01 * 255, c2 = 0.03 * 255 * 0.03 * 255;
        if (a.Length != width * height || b.Length != a.Length) throw new ArgumentException("the planes do not match the size");
        if (width < size || height < size) throw new ArgumentException($"SSIM needs at least {size}×{size} pixels");
        var window = Gaussian(size, 1.5);
        // Separable filtering of a, b, a², b², ab with the 'valid' window: horizontal pass, then vertical.
        int ow = width - size + 1, oh = height - size + 1;
        var h = new double[5][];
        for (var k = 0; k < 5; k++) h[k] = new double[height * ow];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < ow; x++)
            {
                double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                for (var t = 0; t < size; t++)
                {
                    double w = window[t], va = a[y * width + x + t], vb = b[y * width + x + t];
                    ma += w * va;
                    mb += w * vb;
                    aa += w * va * va;
                    bb += w * vb * vb;
                    ab += w * va * vb;
                }
                var i = y * ow + x;
                (h[0][i], h[1][i], h[2][i], h[3][i], h[4][i]) = (ma, mb, aa, bb, ab);
            }
        double total = 0;
        for (var y = 0; y < oh; y++)
            for (var x = 0; x < ow; x++)
            {
                double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                for (var t = 0; t < size; t++)
                {
                    var i = (y + t) * ow + x;
                    var w = window[t];
                    ma += w * h[0][i];
                    mb += w * h[1][i];
                    aa += w * h[2][i];
                    bb += w * h[3][i];
                    ab += w * h[4][i];
                }
                double va = aa - ma * ma, vb = bb - mb * mb, cov = ab - ma * mb;
                total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            }
        return total / (ow * oh);
    }

    private static double[] Crop(ReadOnlySpan<byte> rgb, int width, int height, int border)
    {
        int w = width - 2 * border, h = height - 2 * border;
        var values = new double[w * h * 3];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w * 3; x++)
                values[y * w * 3 + x] = rgb[((y + border) * width + border) * 3 + x];
        return values;
    }

    private static double[] Gaussian(int size, double sigma)
    {
        var w = new double[size];
        double sum = 0;
        for (var i = 0; i < size; i++)
        {
            var d = i - size / 2;
            w[i] = Math.Exp(-d * d / (2 * sigma * sigma));
            sum += w[i];
        }
        for (var i = 0; i < size; i++) w[i] /= sum;
        return w;
    }
}
