using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Synthstage.Diffusion.Models;

/// <summary>
/// One preallocated tensor over a pinned managed array, in the element type a model input or output declares
/// (float32, float16, int32 or int64), with float32/int views for the pipeline. Bound once, reused every step.
/// </summary>
/// <remarks>Conversions to and from float16 run through <see cref="TensorPrimitives"/>; no allocation after creation.</remarks>
internal sealed class OrtTensor : IDisposable
{
    private readonly float[]? _floats;
    private readonly Float16[]? _halves;
    private readonly int[]? _ints;
    private readonly long[]? _longs;

    private OrtTensor(TensorElementType type, long[] shape)
    {
        ElementType = type;
        Shape = shape;
        long count = 1;
        foreach (var d in shape) count *= d;
        Length = checked((int)count);
        switch (type)
        {
            case TensorElementType.Float:
                _floats = new float[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_floats, shape);
                break;
            case TensorElementType.Float16:
                _halves = new Float16[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_halves, shape);
                break;
            case TensorElementType.Int32:
                _ints = new int[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_ints, shape);
                break;
            case TensorElementType.Int64:
                _longs = new long[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_longs, shape);
                break;
            default:
                throw new NotSupportedException($"tensor element type {type} is not supported");
        }
    }

    /// <summary>Allocates a zeroed tensor of <paramref name="type"/> and <paramref name="shape"/>.</summary>
    public static OrtTensor Create(TensorElementType type, params long[] shape) => new(type, shape);

    public TensorElementType ElementType { get; }

    public long[] Shape { get; }

    public int Length { get; }

    /// <summary>The OrtValue over the pinned array; owned by this tensor.</summary>
    public OrtValue Value { get; }

    /// <summary>The float32 storage, or an empty span when the element type is not float32 (then use <see cref="WriteFloats"/>).</summary>
    public Span<float> FloatSpan => _floats is null ? default : _floats;

    /// <summary>Writes float32 values (converted to float16 when the tensor is float16) at <paramref name="offset"/>.</summary>
    public void WriteFloats(ReadOnlySpan<float> source, int offset = 0)
    {
        if (_floats is not null) source.CopyTo(_floats.AsSpan(offset));
        else if (_halves is not null) TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<Float16, Half>(_halves.AsSpan(offset, source.Length)));
        else throw new InvalidOperationException($"cannot write floats into a {ElementType} tensor");
    }

    /// <summary>Reads <paramref name="destination"/>.Length values from <paramref name="offset"/> as float32.</summary>
    public void ReadFloats(Span<float> destination, int offset = 0)
    {
        if (_floats is not null) _floats.AsSpan(offset, destination.Length).CopyTo(destination);
        else if (_halves is not null) TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(_halves.AsSpan(offset, destination.Length)), destination);
        else throw new InvalidOperationException($"cannot read floats from a {ElementType} tensor");
    }

    /// <summary>Writes integers (token ids) into an int32 or int64 tensor.</summary>
    public void WriteInts(ReadOnlySpan<int> source, int offset = 0)
    {
        if (_ints is not null) source.CopyTo(_ints.AsSpan(offset));
        else if (_longs is not null)
            for (var i = 0; i < source.Length; i++) _longs[offset + i] = source[i];
        else throw new InvalidOperationException($"cannot write integers into a {ElementType} tensor");
    }

    /// <summary>Fills the tensor with one number in its own type (a timestep: truncated for integer types, as torch's .long()).</summary>
    public void Fill(float value)
    {
        if (_floats is not null) _floats.AsSpan().Fill(value);
        else if (_halves is not null) _halves.AsSpan().Fill((Float16)value);
        else if (_ints is not null) _ints.AsSpan().Fill((int)value);
        else _longs!.AsSpan().Fill((long)value);
    }

    public void Dispose() => Value.Dispose();
}
