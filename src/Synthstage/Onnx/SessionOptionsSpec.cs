namespace Synthstage.Onnx;

/// <summary>How to create an inference session.</summary>
/// <param name="Device">Execution provider.</param>
/// <param name="IntraOpThreads">
/// Threads inside one operator. Tiny per-frame models run best on one thread while the pipeline
/// parallelises across stages; 0 lets ONNX Runtime choose (one per core).
/// </param>
/// <param name="CudaDeviceId">GPU ordinal when <paramref name="Device"/> is CUDA.</param>
/// <param name="OptimizationLevel">
/// ONNX Runtime graph optimisation level; null means ORT_ENABLE_ALL. For the full-size SD UNet, ENABLE_ALL's layout
/// pass makes the session slow to create but the steps fastest; ENABLE_EXTENDED creates quickly and runs slower.
/// </param>
/// <param name="CpuMemoryArena">
/// Keep ONNX Runtime's CPU memory arena (default). Off, each run's activations go back to the system afterwards:
/// lower peak memory when several big models run one after another (SD's UNet then VAE decoder), slightly slower runs.
/// </param>
/// <param name="OptimizedModelCacheFolder">
/// When set (CPU, ORT_ENABLE_ALL), each model's optimised graph is saved under this folder the first time and loaded
/// from there afterwards, skipping ONNX Runtime's optimisation passes (full SD UNet: ~50 s → ~7 s to open). Entries
/// are keyed by model file, ONNX Runtime version and CPU, and take as much disk as the model's weights.
/// </param>
public sealed record SessionOptionsSpec(ExecutionDevice Device = ExecutionDevice.Cpu, int IntraOpThreads = 1, int CudaDeviceId = 0,
    Microsoft.ML.OnnxRuntime.GraphOptimizationLevel? OptimizationLevel = null, bool CpuMemoryArena = true,
    string? OptimizedModelCacheFolder = null);
