using System.Globalization;
using System.CommandLine;
using Synthstage.Onnx;

namespace Synthstage.Cli.Commands;

/// <summary>
/// Where networks run, as <c>--device</c> gives it: <c>cpu</c>, <c>cuda</c> (GPU 0) or <c>cuda:N</c> (GPU N, ONNX
/// Runtime's CUDA device id). Its text form is the option's own spelling, so help shows <c>[default: cpu]</c>.
/// </summary>
internal sealed record ComputeDevice(ExecutionDevice Device, int CudaDeviceId = 0)
{
    /// <summary>The default: ONNX Runtime's CPU provider.</summary>
    public static ComputeDevice Cpu { get; } = new(ExecutionDevice.Cpu);

    /// <summary>The <c>--device cpu|cuda|cuda:N</c> option every command uses.</summary>
    public static Option<ComputeDevice> Option()
    {
        var option = new Option<ComputeDevice>("--device")
        {
            Description = "Where networks run: cpu, cuda (the first GPU) or cuda:N (GPU number N)",
            HelpName = "cpu|cuda|cuda:N",
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => Cpu,
        };
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (TryParse(text) is { } device) return device;
            result.AddError($"unknown --device '{text}'; use cpu, cuda or cuda:N");
            return Cpu;
        };
        option.CompletionSources.Add("cpu", "cuda", "cuda:0", "cuda:1");
        return option;
    }

    /// <summary>The device <paramref name="text"/> names (any case; <c>gpu</c> means <c>cuda</c>), or null.</summary>
    public static ComputeDevice? TryParse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':', 2);
        if (parts[0] == "cpu" && parts.Length == 1) return Cpu;
        if (parts[0] is not ("cuda" or "gpu")) return null;
        if (parts.Length == 1) return new ComputeDevice(ExecutionDevice.Cuda);
        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new ComputeDevice(ExecutionDevice.Cuda, id) : null;
    }

    /// <summary>Session settings on this device with <paramref name="intraOpThreads"/> threads per operator (0: one per core).</summary>
    public SessionOptionsSpec Session(int intraOpThreads = 1) => new(Device, intraOpThreads, CudaDeviceId);

    public override string ToString() => Device == ExecutionDevice.Cpu ? "cpu" : CudaDeviceId == 0 ? "cuda" : $"cuda:{CudaDeviceId.ToString(CultureInfo.InvariantCulture)}";
}
