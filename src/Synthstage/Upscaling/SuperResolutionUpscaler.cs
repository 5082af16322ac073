using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Imaging;
using Synthstage.Onnx;
using Synthstage.Tfjs;
using Synthstage.Walks.Upscaling;

namespace Synthstage.Upscaling;

/// <summary>
/// Super-resolves RGB images with an ONNX model that takes and gives NHWC float RGB in 0..1 (such as the ESRGANs of
/// <see cref="EsrganModelInstaller"/>), tile by tile, so memory depends on the tile size and not on the image.
/// </summary>
/// <remarks>
/// The image is cut into a grid of kept regions; each tile is its region widened by <see cref="Overlap"/> source
/// pixels on every side that is not an image border, run through the model, and only the region's part of the result
/// is kept. With an overlap of at least the model's receptive radius the padding at a tile's edge never reaches a
/// kept pixel, so the result equals one whole-image run up to float rounding: no seams and no blending. All tiles of
/// one image have the same size (edge tiles slide inward), and one session and one pair of tensors serve every tile.
/// Not thread-safe.
/// </remarks>
public sealed class SuperResolutionUpscaler : IFrameUpscaler
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private float[] _input = [];
    private float[] _output = [];
    private OrtValue? _inputValue;
    private OrtValue? _outputValue;
    private (int Width, int Height) _tileShape;

    private SuperResolutionUpscaler(InferenceSession session, int factor, int tileSize, int overlap)
    {
        _session = session;
        _inputNames = [session.InputMetadata.Keys.Single()];
        _outputNames = [session.OutputMetadata.Keys.Single()];
        Factor = factor;
        TileSize = tileSize;
        Overlap = overlap;
    }

    /// <inheritdoc />
    public int Factor { get; }

    /// <summary>Input tile side in source pixels (smaller images run as one tile).</summary>
    public int TileSize { get; }

    /// <summary>Source pixels each tile reads beyond its kept region.</summary>
    public int Overlap { get; }

    /// <summary>Opens <paramref name="modelPath"/> once for every image this upscaler will process.</summary>
    /// <param name="modelPath">An ONNX model with one input [N, H, W, 3] and one output [N, H·f, W·f, 3], carrying the
    /// TF.js importer's <see cref="TfjsImporter.UpscaleFactorKey"/> metadata.</param>
    /// <param name="options">Tiling and threads; null for the defaults.</param>
    /// <exception cref="SynthstageException">The file is missing or not such a model, or the tiling settings do not fit it (BadModel, Usage).</exception>
    public static SuperResolutionUpscaler Create(string modelPath, SuperResolutionOptions? options = null)
    {
        options ??= new SuperResolutionOptions();
        var session = OnnxSessionFactory.Create(modelPath, new SessionOptionsSpec(options.Device, options.IntraOpThreads));
        try
        {
            if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1
                || session.InputMetadata.Values.Single().Dimensions is not [_, _, _, 3] || session.OutputMetadata.Values.Single().Dimensions is not [_, _, _, 3])
                throw new SynthstageException($"'{modelPath}' is not a super-resolution model: expected one input and one output of shape [N, H, W, 3]", ExitCodes.BadModel);
            var metadata = session.ModelMetadata.CustomMetadataMap;
            if (!metadata.TryGetValue(TfjsImporter.UpscaleFactorKey, out var f) || !int.TryParse(f, CultureInfo.InvariantCulture, out var factor) || factor < 1)
                throw new SynthstageException($"'{modelPath}' does not record its scale factor ({TfjsImporter.UpscaleFactorKey}); convert it with synthstage's TF.js importer", ExitCodes.BadModel);
            var radius = metadata.TryGetValue(TfjsImporter.ReceptiveRadiusKey, out var r) && int.TryParse(r, CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
            var overlap = options.Overlap ?? radius
                ?? throw new SynthstageException($"'{modelPath}' does not record its receptive radius; give an overlap", ExitCodes.Usage);
            if (overlap < 0) throw new SynthstageException($"the tile overlap must be 0 or more, not {overlap}", ExitCodes.Usage);
            var tile = options.TileSize ?? Math.Max(2 * overlap + 32, 512 / factor);
            if (tile <= 2 * overlap)
                throw new SynthstageException($"tiles of {tile} pixels leave nothing inside an overlap of {overlap} on each side; use tiles larger than {2 * overlap}", ExitCodes.Usage);
            return new SuperResolutionUpscaler(session, factor, tile, overlap);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Upscales an image into a new one of Factor times its size, clamped and rounded to bytes.</summary>
    /// <exception cref="SynthstageException">The result would not fit in one image buffer (refused before anything is allocated; BadInput).</exception>
    public RgbImage Upscale(RgbImage image, CancellationToken cancellationToken = default)
    {
        var bytes = (long)image.Width * Factor * image.Height * Factor * 3;
        if (bytes > Array.MaxLength)
            throw new SynthstageException(
                $"a {image.Width}×{image.Height} image upscaled ×{Factor} would take {bytes / (1L << 20)} MiB, more than one image buffer holds (2 GiB); upscale it in parts or by a smaller factor",
                ExitCodes.BadInput);
        var pixels = new byte[bytes];
        Tiled<byte>(image.Pixels, image.Width, image.Height, pixels, cancellationToken);
        return new RgbImage(image.Width * Factor, image.Height * Factor, pixels);
    }

    /// <inheritdoc />
    public void Upscale(ReadOnlySpan<byte> source, int width, int height, Span<byte> destination) =>
        Tiled(source, width, height, destination, CancellationToken.None);

    /// <summary>Upscales interleaved RGB bytes into a caller buffer (a video frame), checking <paramref name="cancellationToken"/> before each tile.</summary>
    /// <param name="source">width × height × 3 bytes, rows top first.</param>
    /// <param name="width">Source width.</param>
    /// <param name="height">Source height.</param>
    /// <param name="destination">Receives (width·Factor) × (height·Factor) × 3 bytes, clamped and rounded.</param>
    /// <param name="cancellationToken">Stops between tiles: a 4K frame is many seconds of work.</param>
    public void Upscale(ReadOnlySpan<byte> source, int width, int height, Span<byte> destination, CancellationToken cancellationToken) =>
        Tiled(source, width, height, destination, cancellationToken);

    /// <summary>Upscales interleaved float RGB (0..1) without rounding; the model's values are passed on unclipped.</summary>
    /// <param name="source">width × height × 3 floats, rows top first.</param>
    /// <param name="width">Source width.</param>
    /// <param name="height">Source height.</param>
    /// <param name="destination">Receives (width·Factor) × (height·Factor) × 3 floats.</param>
    /// <param name="cancellationToken">Checked before each tile.</param>
    public void Upscale(ReadOnlySpan<float> source, int width, int height, Span<float> destination, CancellationToken cancellationToken = default) =>
        Tiled(source, width, height, destination, cancellationToken);

    private void Tiled<T>(ReadOnlySpan<T> source, int width, int height, Span<T> destination, CancellationToken ct) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var f = Factor;
        if (source.Length != (long)width * height * 3) throw new ArgumentException($"expected {width * height * 3} source values, got {source.Length}", nameof(source));
        if (destination.Length != (long)width * f * height * f * 3) throw new ArgumentException($"expected room for {(long)width * f * height * f * 3} values, got {destination.Length}", nameof(destination));
        int tw = Math.Min(TileSize, width), th = Math.Min(TileSize, height);
        EnsureTensors(tw, th);
        var outRow = width * f * 3;
        var tileOutRow = tw * f * 3;
        foreach (var (y0, y1) in Regions(height, th))
        {
            var wy = WindowStart(y0, height, th);
            foreach (var (x0, x1) in Regions(width, tw))
            {
                ct.ThrowIfCancellationRequested();
                var wx = WindowStart(x0, width, tw);
                for (var y = 0; y < th; y++)
                    ToFloat(source.Slice(((wy + y) * width + wx) * 3, tw * 3), _input.AsSpan(y * tw * 3, tw * 3));
                _session.Run(_runOptions, _inputNames, [_inputValue!], _outputNames, [_outputValue!]);
                // Keep only the region's part: rows y0·f..y1·f and columns x0·f..x1·f of the image.
                var columns = (x1 - x0) * f * 3;
                for (var oy = y0 * f; oy < y1 * f; oy++)
                {
                    var tileRow = _output.AsSpan((oy - wy * f) * tileOutRow + (x0 - wx) * f * 3, columns);
                    FromFloat(tileRow, destination.Slice(oy * outRow + x0 * f * 3, columns));
                }
            }
        }
    }

    /// <summary>
    /// Splits 0..<paramref name="size"/> into regions of at most window − 2·overlap pixels (or one region when a single
    /// window covers it), so that each region plus the overlap on both sides fits in one window.
    /// </summary>
    private IEnumerable<(int Start, int End)> Regions(int size, int window)
    {
        if (size <= window)
        {
            yield return (0, size);
            yield break;
        }
        var count = (size + window - 2 * Overlap - 1) / (window - 2 * Overlap);
        for (var i = 0; i < count; i++) yield return ((int)((long)i * size / count), (int)((long)(i + 1) * size / count));
    }

    /// <summary>The window starts the overlap before its region, slid inward where it would leave the image.</summary>
    private int WindowStart(int regionStart, int size, int window) => Math.Clamp(regionStart - Overlap, 0, size - window);

    private void EnsureTensors(int width, int height)
    {
        if (_tileShape == (width, height)) return;
        _inputValue?.Dispose();
        _outputValue?.Dispose();
        _input = new float[width * height * 3];
        _output = new float[width * Factor * height * Factor * 3];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, height, width, 3]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [1, height * Factor, width * Factor, 3]);
        _tileShape = (width, height);
    }

    private static void ToFloat<T>(ReadOnlySpan<T> source, Span<float> destination) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            MemoryMarshal.Cast<T, float>(source).CopyTo(destination);
            return;
        }
        var bytes = MemoryMarshal.Cast<T, byte>(source);
        for (var i = 0; i < bytes.Length; i++) destination[i] = bytes[i] * (1f / 255f);
    }

    private static void FromFloat<T>(ReadOnlySpan<float> source, Span<T> destination) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            source.CopyTo(MemoryMarshal.Cast<T, float>(destination));
            return;
        }
        var bytes = MemoryMarshal.Cast<T, byte>(destination);
        for (var i = 0; i < source.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(source[i] * 255f), 0f, 255f);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _inputValue?.Dispose();
        _outputValue?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
