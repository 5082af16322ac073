using System.Buffers.Binary;
using System.Text;

namespace Synthstage.Tflite;

/// <summary>
/// A bounds-checked view of one FlatBuffers table: fields are found through the table's vtable by
/// field id (the order of declaration in the schema; a union takes two ids, type then value).
/// </summary>
/// <remarks>Every read checks offsets against the buffer and throws <see cref="InvalidDataException"/> when a
/// corrupt file points outside it.</remarks>
internal readonly struct FlatBufferTable
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _position;
    private readonly int _vtable;
    private readonly int _vtableSize;

    private FlatBufferTable(ReadOnlyMemory<byte> buffer, int position)
    {
        _buffer = buffer;
        _position = position;
        var span = buffer.Span;
        Check(span, position, 4);
        var vtable = (long)position - BinaryPrimitives.ReadInt32LittleEndian(span[position..]);
        if (vtable < 0 || vtable + 4 > span.Length) throw new InvalidDataException($"vtable of the table at {position} is outside the file");
        _vtable = (int)vtable;
        _vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(span[_vtable..]);
        Check(span, _vtable, _vtableSize);
    }

    /// <summary>The root table of a FlatBuffers file (uoffset at byte 0).</summary>
    public static FlatBufferTable Root(ReadOnlyMemory<byte> buffer)
    {
        Check(buffer.Span, 0, 8);
        return new FlatBufferTable(buffer, (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.Span));
    }

    /// <summary>True when the field is present (not defaulted away).</summary>
    public bool Has(int id) => FieldOffset(id) != 0;

    public sbyte Int8(int id, sbyte defaultValue = 0) => FieldOffset(id) is var o and not 0 ? (sbyte)Bytes(_position + o, 1)[0] : defaultValue;

    public byte UInt8(int id, byte defaultValue = 0) => FieldOffset(id) is var o and not 0 ? Bytes(_position + o, 1)[0] : defaultValue;

    public bool Bool(int id, bool defaultValue = false) => FieldOffset(id) is var o and not 0 ? Bytes(_position + o, 1)[0] != 0 : defaultValue;

    public int Int32(int id, int defaultValue = 0) =>
        FieldOffset(id) is var o and not 0 ? BinaryPrimitives.ReadInt32LittleEndian(Bytes(_position + o, 4)) : defaultValue;

    public uint UInt32(int id, uint defaultValue = 0) =>
        FieldOffset(id) is var o and not 0 ? BinaryPrimitives.ReadUInt32LittleEndian(Bytes(_position + o, 4)) : defaultValue;

    public float Float32(int id, float defaultValue = 0) =>
        FieldOffset(id) is var o and not 0 ? BinaryPrimitives.ReadSingleLittleEndian(Bytes(_position + o, 4)) : defaultValue;

    public ulong UInt64(int id, ulong defaultValue = 0) =>
        FieldOffset(id) is var o and not 0 ? BinaryPrimitives.ReadUInt64LittleEndian(Bytes(_position + o, 8)) : defaultValue;

    /// <summary>A sub-table field, or null when absent.</summary>
    public FlatBufferTable? Table(int id) => FieldOffset(id) is var o and not 0 ? new FlatBufferTable(_buffer, Indirect(_position + o)) : null;

    /// <summary>A string field (UTF-8), or null when absent.</summary>
    public string? String(int id)
    {
        var o = FieldOffset(id);
        if (o == 0) return null;
        var (start, length) = VectorAt(_position + o, 1);
        return Encoding.UTF8.GetString(_buffer.Span.Slice(start, length));
    }

    /// <summary>The bytes of a [ubyte]/[byte] vector field, empty when absent.</summary>
    public ReadOnlyMemory<byte> ByteVector(int id)
    {
        var o = FieldOffset(id);
        if (o == 0) return ReadOnlyMemory<byte>.Empty;
        var (start, length) = VectorAt(_position + o, 1);
        return _buffer.Slice(start, length);
    }

    /// <summary>An [int] vector field, or null when absent.</summary>
    public int[]? Int32Vector(int id)
    {
        var o = FieldOffset(id);
        if (o == 0) return null;
        var (start, length) = VectorAt(_position + o, 4);
        var result = new int[length];
        var span = _buffer.Span;
        for (var i = 0; i < length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(start + 4 * i)..]);
        return result;
    }

    /// <summary>An integer vector field of 1, 2 or 4 unsigned bytes per element ([ubyte], [ushort], [int]) widened to int, or null when absent.</summary>
    public int[]? IndexVector(int id, int elementSize)
    {
        if (elementSize == 4) return Int32Vector(id);
        var o = FieldOffset(id);
        if (o == 0) return null;
        var (start, length) = VectorAt(_position + o, elementSize);
        var result = new int[length];
        var span = _buffer.Span;
        for (var i = 0; i < length; i++)
            result[i] = elementSize == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(span[(start + 2 * i)..]) : span[start + i];
        return result;
    }

    /// <summary>A [long] vector field, or null when absent.</summary>
    public long[]? Int64Vector(int id)
    {
        var o = FieldOffset(id);
        if (o == 0) return null;
        var (start, length) = VectorAt(_position + o, 8);
        var result = new long[length];
        var span = _buffer.Span;
        for (var i = 0; i < length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(span[(start + 8 * i)..]);
        return result;
    }

    /// <summary>A [float] vector field, or null when absent.</summary>
    public float[]? FloatVector(int id)
    {
        var o = FieldOffset(id);
        if (o == 0) return null;
        var (start, length) = VectorAt(_position + o, 4);
        var result = new float[length];
        var span = _buffer.Span;
        for (var i = 0; i < length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(start + 4 * i)..]);
        return result;
    }

    /// <summary>A vector-of-tables field, empty when absent.</summary>
    public FlatBufferTable[] TableVector(int id)
    {
        var o = FieldOffset(id);
        if (o == 0) return [];
        var (start, length) = VectorAt(_position + o, 4);
        var result = new FlatBufferTable[length];
        for (var i = 0; i < length; i++) result[i] = new FlatBufferTable(_buffer, Indirect(start + 4 * i));
        return result;
    }

    private int FieldOffset(int id)
    {
        var entry = 4 + 2 * id;
        if (entry + 2 > _vtableSize) return 0;
        return BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Span[(_vtable + entry)..]);
    }

    private ReadOnlySpan<byte> Bytes(int position, int length)
    {
        Check(_buffer.Span, position, length);
        return _buffer.Span.Slice(position, length);
    }

    private int Indirect(int position)
    {
        var target = position + (long)BinaryPrimitives.ReadUInt32LittleEndian(Bytes(position, 4));
        if (target >= _buffer.Length) throw new InvalidDataException($"offset at {position} points outside the file");
        return (int)target;
    }

    private (int Start, int Length) VectorAt(int fieldPosition, int elementSize)
    {
        var vector = Indirect(fieldPosition);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(Bytes(vector, 4));
        var start = vector + 4;
        if (length > (uint)((_buffer.Length - start) / elementSize)) throw new InvalidDataException($"vector at {vector} runs past the end of the file");
        return (start, (int)length);
    }

    private static void Check(ReadOnlySpan<byte> span, long position, long length)
    {
        if (position < 0 || length < 0 || position + length > span.Length)
            throw new InvalidDataException($"read of {length} bytes at {position} is outside the {span.Length}-byte file");
    }
}
