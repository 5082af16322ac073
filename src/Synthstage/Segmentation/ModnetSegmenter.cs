using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Imaging;

namespace Synthstage.Segmentation;

/// <summary>
/// Runs a MODNet portrait-matting ONNX export (Ke et al. 2022; Apache-2.0): one input [1,3,H,W] RGB normalised to
/// −1..1 and one matte output [1,1,H,W] in 0..1. A graph with free height and width gets the frame sized as MODNet's
/// own demo does (shorter side 512 when the frame is larger or smaller than that, both sides rounded down to
/// multiples of 32); a fixed-size graph gets its size.
/// </summary>
public sealed class ModnetSegmenter : IPersonSegmenter
{
    /// <summary>MODNet's reference size for the shorter side.</summary>
    public const int ReferenceSize = 512;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue _inputValue, _outputValue;
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputs, _outputs;
    private ModelInputResizer? _resizer;

    private ModnetSegmenter(InferenceSession session, int frameWidth, int frameHeight)
    {
        _session = session;
        var (inputName, input) = session.InputMetadata.First();
        var (outputName, _) = session.OutputMetadata.First();
        var d = input.Dimensions;
        (MaskWidth, MaskHeight) = d[2] > 0 && d[3] > 0 ? (d[3], d[2]) : InputSize(frameWidth, frameHeight);
        _input = new float[MaskWidth * MaskHeight * 3];
        _output = new float[MaskWidth * MaskHeight];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, 3, MaskHeight, MaskWidth]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [1, 1, MaskHeight, MaskWidth]);
        _inputNames = [inputName];
        _outputNames = [outputName];
        _inputs = [_inputValue];
        _outputs = [_outputValue];
    }

    /// <summary>Wraps an open session whose signature is <see cref="MattingModelKind.Modnet"/> (takes ownership) for frames of the given size.</summary>
    public static ModnetSegmenter Create(InferenceSession session, int frameWidth, int frameHeight) => new(session, frameWidth, frameHeight);

    /// <summary>MODNet's demo sizing: (width, height) of the network input for a frame, multiples of 32.</summary>
    public static (int Width, int Height) InputSize(int frameWidth, int frameHeight)
    {
        int w = frameWidth, h = frameHeight;
        if (Math.Max(w, h) < ReferenceSize || Math.Min(w, h) > ReferenceSize)
            (w, h) = w >= h ? ((int)((double)frameWidth / frameHeight * ReferenceSize), ReferenceSize) : (ReferenceSize, (int)((double)frameHeight / frameWidth * ReferenceSize));
        return (Math.Max(32, w - w % 32), Math.Max(32, h - h % 32));
    }

    /// <inheritdoc/>
    public int MaskWidth { get; }

    /// <inheritdoc/>
    public int MaskHeight { get; }

    /// <inheritdoc/>
    public void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask)
    {
        if (_resizer is null || _resizer.SourceWidth != width || _resizer.SourceHeight != height)
            _resizer = new ModelInputResizer(width, height, channels, MaskWidth, MaskHeight);
        _resizer.Resize(frame, _input, channelsFirst: true);
        // 0..1 → −1..1, as (x − 0.5) / 0.5.
        TensorPrimitives.Multiply(_input, 2f, _input);
        TensorPrimitives.Add(_input, -1f, _input);
        _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        _output.AsSpan().CopyTo(mask);
    }

    /// <summary>Releases the session and tensors.</summary>
    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
