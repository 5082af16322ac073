using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Synthstage.Forge;

namespace Synthstage.Bench.Forge;

/// <summary>
/// End-to-end timing of the model forge and of one full-scale UNet step.
/// <c>forge [DIR] [--fp16] [--vocab PATH]</c> forges the full SD 1.5 folder and reports time and peak memory;
/// <c>check DIR</c> runs the text encoder and both VAE halves of a forged folder once (256×256 px);
/// <c>unet-step DIR [--size 32] [--batch 2] [--runs 3] [--opt disable_all|enable_basic|enable_extended|enable_all]
/// [--verbose]</c> times the UNet of a forged folder on one session with ORT's default threads (ORT_ENABLE_ALL's
/// NCHWc layout pass makes the full UNet's session take ~40 s to create; <c>--verbose</c> shows ORT's timeline); <c>all</c> does both on a temporary folder and deletes it.
/// </summary>
public static class ForgeBenchmark
{
    /// <summary>Runs the benchmark named by the first argument and prints results to the console.</summary>
    public static async Task RunAsync(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "all";
        var positional = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).FirstOrDefault();
        switch (mode)
        {
            case "forge":
                await ForgeAsync(positional ?? Path.Combine(Path.GetTempPath(), "synthstage-sd15-full"), args).ConfigureAwait(false);
                break;
            case "check":
                Check(positional ?? throw new ArgumentException("check needs the forged folder"));
                break;
            case "unet-step":
                UNetStep(positional ?? throw new ArgumentException("unet-step needs the forged folder"), args);
                break;
            case "all":
                var dir = Path.Combine(Path.GetTempPath(), $"synthstage-sd15-full-{Environment.ProcessId}");
                try
                {
                    await ForgeAsync(dir, args).ConfigureAwait(false);
                    UNetStep(dir, args);
                }
                finally
                {
                    if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                }
                break;
            default:
                throw new ArgumentException($"Unknown forge benchmark '{mode}'; expected forge, unet-step or all.");
        }
    }

    private static async Task ForgeAsync(string output, string[] args)
    {
        var options = new ForgeOptions
        {
            OutputDirectory = output,
            Scale = ForgeScale.Full,
            Fp16 = args.Contains("--fp16"),
            Force = true,
            VocabularySource = Option(args, "--vocab") ?? FindVocabulary(),
        };
        var watch = Stopwatch.StartNew();
        var last = "";
        var counts = await StableDiffusionForge.WriteAsync(options, new InlineProgress(p =>
        {
            if (p.Component != last) Console.WriteLine($"  {watch.Elapsed.TotalSeconds,6:F1} s  {last = p.Component} ({p.ParametersTotal:N0} parameters)");
        })).ConfigureAwait(false);
        watch.Stop();
        var bytes = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"forged {output} ({(options.Fp16 ? "fp16" : "fp32")}) in {watch.Elapsed.TotalSeconds:F1} s, " +
            $"{bytes / 1e9:F2} GB on disk, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB");
        Console.WriteLine($"parameters: {counts}");
    }

    private static void UNetStep(string folder, string[] args)
    {
        var latent = int.Parse(Option(args, "--size") ?? "32", System.Globalization.CultureInfo.InvariantCulture);
        var batch = int.Parse(Option(args, "--batch") ?? "2", System.Globalization.CultureInfo.InvariantCulture);
        var runs = int.Parse(Option(args, "--runs") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
        var watch = Stopwatch.StartNew();
        using var sessionOptions = new SessionOptions();
        if (Option(args, "--opt") is { } level)
            sessionOptions.GraphOptimizationLevel = Enum.Parse<GraphOptimizationLevel>("ORT_" + level.ToUpperInvariant());
        if (args.Contains("--verbose")) sessionOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
        using var session = new InferenceSession(Path.Combine(folder, "unet", "model.onnx"), sessionOptions);
        Console.WriteLine($"UNet session created in {watch.Elapsed.TotalSeconds:F1} s (optimization {sessionOptions.GraphOptimizationLevel}, default threads: {Environment.ProcessorCount} cores)");
        var width = session.InputMetadata["encoder_hidden_states"].Dimensions[2];
        using var sample = FloatInput(session, "sample", batch, 4, latent, latent);
        using var timestep = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(999L, batch).ToArray(), [batch]);
        using var text = FloatInput(session, "encoder_hidden_states", batch, 77, width);
        using var runOptions = new RunOptions();
        var times = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            watch.Restart();
            using var outputs = session.Run(runOptions, ["sample", "timestep", "encoder_hidden_states"], [sample, timestep, text], ["out_sample"]);
            times.Add(watch.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"UNet step batch {batch} at latent {latent}x{latent} ({latent * 8}x{latent * 8} px): first {times[0]:F2} s, " +
            $"then {string.Join(", ", times.Skip(1).Select(t => t.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s; " +
            $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB");
    }

    private static void Check(string folder)
    {
        var ids = new[] { 49406, 320, 1125, 539, 320, 2368, 49407 }.Concat(Enumerable.Repeat(49407, 70)).ToArray();
        Time(folder, "text_encoder", s => s.InputMetadata["input_ids"].ElementDataType == TensorElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(ids.Select(i => (long)i).ToArray(), [1, 77])
            : OrtValue.CreateTensorValueFromMemory(ids, [1, 77]));
        Time(folder, "vae_decoder", s => FloatInput(s, "latent_sample", 1, 4, 32, 32));
        Time(folder, "vae_encoder", s => FloatInput(s, "sample", 1, 3, 256, 256));
    }

    private static void Time(string folder, string model, Func<InferenceSession, OrtValue> input)
    {
        var watch = Stopwatch.StartNew();
        using var session = new InferenceSession(Path.Combine(folder, model, "model.onnx"));
        var load = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using var value = input(session);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [value], session.OutputNames.ToArray());
        var shapes = string.Join(", ", outputs.Select((o, i) => $"{session.OutputNames[i]} [{string.Join(",", o.GetTensorTypeAndShape().Shape)}]"));
        Console.WriteLine($"{model}: load {load:F1} s, run {watch.Elapsed.TotalSeconds:F2} s -> {shapes}");
    }

    private static OrtValue FloatInput(InferenceSession session, string name, params long[] shape)
    {
        var count = (int)shape.Aggregate(1L, (a, d) => a * d);
        // Deterministic values in −1..1; the numbers do not matter for timing.
        var data = Enumerable.Range(0, count).Select(i => MathF.Sin(i * 0.7071f)).ToArray();
        return session.InputMetadata[name].ElementDataType == TensorElementType.Float16
            ? OrtValue.CreateTensorValueFromMemory(data.Select(f => (Float16)f).ToArray(), shape)
            : OrtValue.CreateTensorValueFromMemory(data, shape);
    }

    internal static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static string FindVocabulary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz");
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new FileNotFoundException("bpe_simple_vocab_16e6.txt.gz not found in ../shared/data/clip above the benchmark; pass --vocab PATH.");
    }

    private sealed class InlineProgress(Action<ForgeProgress> report) : IProgress<ForgeProgress>
    {
        public void Report(ForgeProgress value) => report(value);
    }
}
