using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Synthstage.Tests.Forge;

/// <summary>Small ORT helpers for forged models: float inputs in the model's float type, outputs back as float32.</summary>
internal static class OrtRun
{
    public static InferenceSession Load(string folder, string model)
    {
        var options = new SessionOptions { IntraOpNumThreads = 1 };
        return new InferenceSession(Path.Combine(folder, model, "model.onnx"), options);
    }

    public static bool IsFp16(InferenceSession session, string input) =>
        session.InputMetadata[input].ElementDataType == TensorElementType.Float16;

    /// <summary>A float tensor in the input's element type (float32 or float16).</summary>
    public static OrtValue Floats(InferenceSession session, string input, float[] data, params long[] shape)
    {
        if (!IsFp16(session, input)) return OrtValue.CreateTensorValueFromMemory(data, shape);
        var halves = data.Select(f => (Float16)f).ToArray();
        return OrtValue.CreateTensorValueFromMemory(halves, shape);
    }

    /// <summary>Runs the session and returns every output as (float32 data, shape), by name.</summary>
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(InferenceSession session, IReadOnlyDictionary<string, OrtValue> inputs)
    {
        using var runOptions = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        using var outputs = session.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), outputNames);
        var result = new Dictionary<string, (float[], long[])>();
        for (var i = 0; i < outputNames.Length; i++)
        {
            var info = outputs[i].GetTensorTypeAndShape();
            var data = info.ElementDataType == TensorElementType.Float16
                ? outputs[i].GetTensorDataAsSpan<Float16>().ToArray().Select(h => h.ToFloat()).ToArray()
                : outputs[i].GetTensorDataAsSpan<float>().ToArray();
            result[outputNames[i]] = (data, info.Shape);
        }
        foreach (var v in inputs.Values) v.Dispose();
        return result;
    }

    /// <summary>Deterministic standard-normal-ish values (Box–Muller on a fixed LCG) for test inputs.</summary>
    public static float[] Noise(int count, uint seed)
    {
        var values = new float[count];
        var state = seed * 2654435761u + 1;
        float Uniform()
        {
            state = state * 1664525u + 1013904223u;
            return ((state >> 8) + 0.5f) / (1 << 24);
        }
        for (var i = 0; i < count; i += 2)
        {
            var r = MathF.Sqrt(-2 * MathF.Log(Uniform()));
            var a = 2 * MathF.PI * Uniform();
            values[i] = r * MathF.Cos(a);
            if (i + 1 < count) values[i + 1] = r * MathF.Sin(a);
        }
        return values;
    }

    public static void AssertFinite(float[] values, string what)
    {
        var bad = Array.FindIndex(values, v => !float.IsFinite(v));
        Assert.True(bad < 0, $"{what}: element {bad} is {(bad >= 0 ? values[bad] : 0)}");
    }
}
