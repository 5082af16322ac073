namespace Synthstage.Onnx;

/// <summary>Where ONNX Runtime executes a model.</summary>
public enum ExecutionDevice
{
    /// <summary>The default CPU execution provider.</summary>
    Cpu,
    /// <summary>NVIDIA CUDA execution provider (needs the ORT GPU package, CUDA 12 and cuDNN 9 on the machine).</summary>
    Cuda,
}
