using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Synthstage.Compositing;

/// <summary>
/// Converts packed RGB24 rows to planar Oklab (L, a, b) and back, vectorised over the row with
/// <see cref="TensorPrimitives"/>; sRGB ↔ linear goes through <see cref="SrgbLinearTables"/>. Matrices are Björn
/// Ottosson's published Oklab constants. Holds its own row scratch: one instance per thread.
/// </summary>
public sealed class OklabRow
{
    private readonly float[] _r;
    private readonly float[] _g;
    private readonly float[] _b;

    /// <summary>Prepares scratch rows for up to <paramref name="width"/> pixels.</summary>
    public OklabRow(int width)
    {
        _r = new float[width];
        _g = new float[width];
        _b = new float[width];
    }

    /// <summary>Converts <paramref name="rgb"/> (n pixels) into the planes <paramref name="l"/>, <paramref name="a"/>, <paramref name="bb"/> (n values each).</summary>
    public void FromRgb(ReadOnlySpan<byte> rgb, Span<float> l, Span<float> a, Span<float> bb)
    {
        var n = rgb.Length / 3;
        var lin = SrgbLinearTables.ToLinear;
        Span<float> r = _r.AsSpan(0, n), g = _g.AsSpan(0, n), b = _b.AsSpan(0, n);
        for (int x = 0, i = 0; x < n; x++, i += 3)
        {
            r[x] = lin[rgb[i]];
            g[x] = lin[rgb[i + 1]];
            b[x] = lin[rgb[i + 2]];
        }
        // Linear sRGB → cone responses (l, m, s), cube roots, → Lab. l, a, bb hold l', m', s' in between.
        Mix(r, g, b, 0.4122214708f, 0.5363325363f, 0.0514459929f, l[..n]);
        Mix(r, g, b, 0.2119034982f, 0.6806995451f, 0.1073969566f, a[..n]);
        Mix(r, g, b, 0.0883024619f, 0.2817188376f, 0.6299787005f, bb[..n]);
        Cbrt(l[..n], r);
        Cbrt(a[..n], g);
        Cbrt(bb[..n], b);
        Mix(r, g, b, 0.2104542553f, 0.7936177850f, -0.0040720468f, l[..n]);
        Mix(r, g, b, 1.9779984951f, -2.4285922050f, 0.4505937099f, a[..n]);
        Mix(r, g, b, 0.0259040371f, 0.7827717662f, -0.8086757660f, bb[..n]);
    }

    /// <summary>Converts the planes back to packed RGB24 (out-of-gamut values clamped).</summary>
    public void ToRgb(ReadOnlySpan<float> l, ReadOnlySpan<float> a, ReadOnlySpan<float> bb, Span<byte> rgb)
    {
        var n = rgb.Length / 3;
        Span<float> r = _r.AsSpan(0, n), g = _g.AsSpan(0, n), b = _b.AsSpan(0, n);
        Mix(l[..n], a[..n], bb[..n], 1f, 0.3963377774f, 0.2158037573f, r);
        Mix(l[..n], a[..n], bb[..n], 1f, -0.1055613458f, -0.0638541728f, g);
        Mix(l[..n], a[..n], bb[..n], 1f, -0.0894841775f, -1.2914855480f, b);
        Cube(r);
        Cube(g);
        Cube(b);
        var enc = SrgbLinearTables.ToSrgb;
        for (int x = 0, i = 0; x < n; x++, i += 3)
        {
            var lr = 4.0767416621f * r[x] - 3.3077115913f * g[x] + 0.2309699292f * b[x];
            var lg = -1.2684380046f * r[x] + 2.6097574011f * g[x] - 0.3413193965f * b[x];
            var lb = -0.0041960863f * r[x] - 0.7034186147f * g[x] + 1.7076147010f * b[x];
            rgb[i] = enc[(int)(Math.Clamp(lr, 0f, 1f) * SrgbLinearTables.EncodeScale + 0.5f)];
            rgb[i + 1] = enc[(int)(Math.Clamp(lg, 0f, 1f) * SrgbLinearTables.EncodeScale + 0.5f)];
            rgb[i + 2] = enc[(int)(Math.Clamp(lb, 0f, 1f) * SrgbLinearTables.EncodeScale + 0.5f)];
        }
    }

    private static void Mix(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, float cx, float cy, float cz, Span<float> destination)
    {
        TensorPrimitives.Multiply(x, cx, destination);
        TensorPrimitives.MultiplyAdd(y, cy, destination, destination);
        TensorPrimitives.MultiplyAdd(z, cz, destination, destination);
    }

    /// <summary>
    /// Cube roots, vectorised: a bit-level first guess (exponent ÷ 3) refined by three Newton steps, which reaches float
    /// precision; <see cref="TensorPrimitives.Cbrt{T}(ReadOnlySpan{T}, Span{T})"/> runs element by element here.
    /// </summary>
    internal static void Cbrt(ReadOnlySpan<float> values, Span<float> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var third = Vector256.Create(1f / 3);
            var twoThirds = Vector256.Create(2f / 3);
            var bias = Vector256.Create(709921077f);
            var tiny = Vector256.Create(1e-30f);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                var a = Vector256.Max(Vector256.Abs(v), tiny);
                var y = Vector256.ConvertToInt32(Vector256.ConvertToSingle(a.AsInt32()) * third + bias).AsSingle();
                for (var step = 0; step < 3; step++) y = twoThirds * y + a * third / (y * y);
                y = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(v), tiny), Vector256<float>.Zero, y);
                y = Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), -y, y);
                y.CopyTo(destination.Slice(i, Vector256<float>.Count));
            }
        }
        for (; i < values.Length; i++) destination[i] = MathF.Cbrt(values[i]);
    }

    private static void Cube(Span<float> values)
    {
        Span<float> tmp = stackalloc float[256];
        for (var i = 0; i < values.Length; i += tmp.Length)
        {
            var chunk = values.Slice(i, Math.Min(tmp.Length, values.Length - i));
            var t = tmp[..chunk.Length];
            TensorPrimitives.Multiply(chunk, chunk, t);
            TensorPrimitives.Multiply(t, chunk, chunk);
        }
    }
}
