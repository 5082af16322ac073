using Synthstage.Forge.Files;
using Synthstage.Forge.Graphs;
using Synthstage.Forge.Weights;

namespace Synthstage.Forge;

/// <summary>
/// Writes Stable Diffusion model folders in diffusers' ONNX layout with the real architectures and seeded random
/// weights, so the diffusion engine can be tested end to end (tiny scale) and timed honestly (full scale) where no
/// real weights can be downloaded. A random-weight model makes noise, not pictures; names, dtypes, shapes, sizes
/// and timings are real.
/// </summary>
/// <remarks>
/// Folder: <c>model_index.json</c>; <c>scheduler/scheduler_config.json</c> (SD 1.5's PNDM);
/// <c>tokenizer/</c> vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json;
/// <c>text_encoder/</c>, <c>unet/</c>, <c>vae_encoder/</c>, <c>vae_decoder/</c> each with model.onnx and config.json.
/// A model whose weights pass 2 GB (the full fp32 UNet, 3.4 GB) keeps them in <c>weights.pb</c> beside it as ONNX
/// external data, written while the graph is built so memory stays small.
/// </remarks>
public static class StableDiffusionForge
{
    /// <summary>Weights larger than this go to an external-data file (protobuf cannot serialise 2 GiB; this leaves room for the graph).</summary>
    internal const long InlineLimitBytes = 2_000_000_000;

    /// <summary>Name of the external-data file beside a large model.onnx (as in the runwayml SD 1.5 ONNX export).</summary>
    public const string ExternalDataFileName = "weights.pb";

    private sealed record ModelPlan(string Folder, Action<ForgeGraph> Build);

    /// <summary>
    /// Counts the parameters of the four models at <paramref name="size"/> by building their graphs without weights:
    /// the same code path as <see cref="WriteAsync"/>, with nothing generated or written.
    /// </summary>
    /// <exception cref="SynthstageException">The sizes are inconsistent (for example channels not divisible by the norm groups).</exception>
    public static ForgeParameterCounts CountParameters(StableDiffusionSize size)
    {
        ArgumentNullException.ThrowIfNull(size);
        var options = new ForgeOptions { OutputDirectory = "", VocabularySource = "", Size = size };
        var counts = Plans(options, size).ToDictionary(p => p.Folder, p => Count(p, fp16: false));
        return new(counts["text_encoder"], counts["unet"], counts["vae_encoder"], counts["vae_decoder"]);
    }

    /// <summary>
    /// Forges the folder <see cref="ForgeOptions.OutputDirectory"/>. Everything is written into a hidden sibling
    /// folder first and renamed when complete, so a failure or cancellation leaves nothing behind.
    /// </summary>
    /// <param name="options">Architecture, size, precision, I/O dtypes, seed and paths.</param>
    /// <param name="progress">Receives per-model progress in parameters generated.</param>
    /// <param name="ct">Checked before every weight tensor.</param>
    /// <returns>The parameter counts of the written models.</returns>
    /// <exception cref="SynthstageException">Unknown architecture or scale; inconsistent sizes; the vocabulary source is
    /// missing; the output exists and is not an empty folder (without <see cref="ForgeOptions.Force"/>); too little disk space.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the partial folder is deleted.</exception>
    public static Task<ForgeParameterCounts> WriteAsync(ForgeOptions options, IProgress<ForgeProgress>? progress = null, CancellationToken ct = default) =>
        WriteCoreAsync(options, progress, ct, freeSpace: null, InlineLimitBytes);

    /// <summary><see cref="WriteAsync(ForgeOptions, IProgress{ForgeProgress}?, CancellationToken)"/> with a replaceable free-space probe and inline-weights limit (for tests).</summary>
    internal static Task<ForgeParameterCounts> WriteCoreAsync(ForgeOptions options, IProgress<ForgeProgress>? progress, CancellationToken ct, Func<string, long>? freeSpace, long inlineLimitBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Validate on the caller's thread so bad input fails before any work is scheduled.
        var size = ResolveSize(options);
        var output = CheckOutput(options);
        if (!File.Exists(options.VocabularySource))
            throw new SynthstageException($"CLIP BPE file '{options.VocabularySource}' not found; pass the path of bpe_simple_vocab_16e6.txt.gz (shared/data/clip/).", ExitCodes.BadInput);
        return Task.Run(() => Write(options, size, output, progress, freeSpace ?? FreeBytes, inlineLimitBytes, ct), ct);
    }

    private static ForgeParameterCounts Write(ForgeOptions options, StableDiffusionSize size, string output, IProgress<ForgeProgress>? progress,
        Func<string, long> freeSpace, long inlineLimitBytes, CancellationToken ct)
    {
        // 1. Count every model (cheap: no weights) to size the disk check and choose inline or external weights.
        var plans = Plans(options, size).ToList();
        var counts = plans.ToDictionary(p => p.Folder, p => Count(p, options.Fp16));
        var elementBytes = options.Fp16 ? 2L : 4L;
        var estimate = counts.Values.Sum() * elementBytes + 64L * 1024 * 1024; // + tokenizer files, constants, graphs
        var parent = Path.GetDirectoryName(output) ?? throw new SynthstageException($"Cannot forge into a file-system root ('{output}'); choose a sub-folder.", ExitCodes.BadOutput);
        var available = freeSpace(ExistingAncestor(parent));
        if (available < estimate)
            throw new SynthstageException(
                $"Not enough disk space to forge '{output}': about {estimate / 1e9:F2} GB needed, {available / 1e9:F2} GB free; free some space or choose another folder.",
                ExitCodes.BadOutput);

        // 2. Write everything into a hidden sibling folder, then swap it in.
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(output)}.forging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            DiffusersConfigFiles.WriteModelIndex(temp);
            var scheduler = Directory.CreateDirectory(Path.Combine(temp, "scheduler")).FullName;
            DiffusersConfigFiles.WriteSchedulerConfig(scheduler, options.Variant);
            var tokenizer = Directory.CreateDirectory(Path.Combine(temp, "tokenizer")).FullName;
            ClipTokenizerFiles.Write(options.VocabularySource, size.TextEncoder.VocabSize, tokenizer);
            DiffusersConfigFiles.WriteTokenizerConfigs(tokenizer, size.TextEncoder.MaxPositions);

            foreach (var plan in plans)
            {
                ct.ThrowIfCancellationRequested();
                var folder = Directory.CreateDirectory(Path.Combine(temp, plan.Folder)).FullName;
                WriteModel(plan, folder, options, counts[plan.Folder] * elementBytes > inlineLimitBytes, counts[plan.Folder], progress, ct);
                switch (plan.Folder)
                {
                    case "text_encoder": DiffusersConfigFiles.WriteTextEncoderConfig(folder, size.TextEncoder, options.Fp16); break;
                    case "unet": DiffusersConfigFiles.WriteUNetConfig(folder, size.UNet, TimeCondProjDim(options)); break;
                    default: DiffusersConfigFiles.WriteVaeConfig(folder, size.Vae); break;
                }
            }

            ct.ThrowIfCancellationRequested();
            // The old folder (empty, or replaced under Force) goes only once the new one is complete.
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            Directory.Move(temp, output);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
        return new(counts["text_encoder"], counts["unet"], counts["vae_encoder"], counts["vae_decoder"]);
    }

    private static void WriteModel(ModelPlan plan, string folder, ForgeOptions options, bool externalData, long parameters,
        IProgress<ForgeProgress>? progress, CancellationToken ct)
    {
        var modelPath = Path.Combine(folder, "model.onnx");
        Action<long>? report = progress is null ? null : done => progress.Report(new ForgeProgress(plan.Folder, done, parameters));
        if (!externalData)
        {
            var graph = new ForgeGraph(plan.Folder, new InlineWeightSink(options.Seed, options.Fp16, ct) { Progress = report });
            plan.Build(graph);
            graph.Builder.Save(modelPath);
            return;
        }
        // Large models stream their weights to weights.pb while the graph is built; model.onnx then holds only references.
        ForgeGraph external;
        using (var data = new FileStream(Path.Combine(folder, ExternalDataFileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var sink = new ExternalWeightSink(options.Seed, options.Fp16, data, ExternalDataFileName, ct) { Progress = report };
            external = new ForgeGraph(plan.Folder, sink);
            try
            {
                plan.Build(external);
            }
            finally
            {
                sink.Complete(); // never close the stream under a running write
            }
        }
        external.Builder.Save(modelPath);
    }

    private static long Count(ModelPlan plan, bool fp16)
    {
        var graph = new ForgeGraph(plan.Folder, new CountingWeightSink(fp16));
        plan.Build(graph);
        return graph.Weights.ParameterCount;
    }

    private static IEnumerable<ModelPlan> Plans(ForgeOptions options, StableDiffusionSize size)
    {
        yield return new("text_encoder", g => ClipTextEncoderGraph.Build(g, size.TextEncoder, options.TextEncoderIdsType));
        yield return new("unet", g => UNetGraph.Build(g, size.UNet, size.TextEncoder.MaxPositions, options.TimestepType, TimeCondProjDim(options)));
        yield return new("vae_encoder", g => VaeGraphs.BuildEncoder(g, size.Vae));
        yield return new("vae_decoder", g => VaeGraphs.BuildDecoder(g, size.Vae));
    }

    private static int? TimeCondProjDim(ForgeOptions options) => options.Variant == ForgeVariant.Lcm ? options.TimeCondProjDim : null;

    private static StableDiffusionSize ResolveSize(ForgeOptions options)
    {
        if (!Enum.IsDefined(options.Variant))
            throw new SynthstageException($"Unknown forge variant '{options.Variant}'; expected Sd15, Lcm or Turbo.", ExitCodes.Usage);
        if (options.Variant == ForgeVariant.Lcm && options.TimeCondProjDim < 1)
            throw new SynthstageException($"time_cond_proj_dim must be at least 1; got {options.TimeCondProjDim}.", ExitCodes.Usage);
        var preset = StableDiffusionSize.Preset(options.Architecture ?? "", options.Scale);
        if (!Enum.IsDefined(options.TextEncoderIdsType))
            throw new SynthstageException($"Unknown text encoder ids type '{options.TextEncoderIdsType}'; expected Int32 or Int64.", ExitCodes.Usage);
        if (!Enum.IsDefined(options.TimestepType))
            throw new SynthstageException($"Unknown timestep type '{options.TimestepType}'; expected Int64 or Float.", ExitCodes.Usage);
        var size = options.Size ?? preset;
        if (size.UNet.CrossAttentionDim != size.TextEncoder.HiddenSize)
            throw new SynthstageException($"UNet cross-attention width {size.UNet.CrossAttentionDim} differs from the text encoder width {size.TextEncoder.HiddenSize}; they must match.", ExitCodes.Usage);
        if (size.Vae.LatentChannels != size.UNet.InChannels || size.Vae.LatentChannels != size.UNet.OutChannels)
            throw new SynthstageException($"VAE latent channels {size.Vae.LatentChannels} differ from the UNet's in/out channels {size.UNet.InChannels}/{size.UNet.OutChannels}; they must match.", ExitCodes.Usage);
        return size;
    }

    private static string CheckOutput(ForgeOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OutputDirectory))
            throw new SynthstageException("No output folder given; pass the folder to forge into (-o DIR).", ExitCodes.Usage);
        var output = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.OutputDirectory));
        if (File.Exists(output))
            throw new SynthstageException($"Output '{output}' is a file; choose a folder path.", ExitCodes.BadOutput);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !options.Force)
            throw new SynthstageException($"Output folder '{output}' exists and is not empty; choose another folder or pass --force to replace it.", ExitCodes.BadOutput);
        return output;
    }

    private static string ExistingAncestor(string path)
    {
        var dir = new DirectoryInfo(path);
        while (dir is not null && !dir.Exists) dir = dir.Parent;
        return dir?.FullName ?? Path.GetPathRoot(path) ?? "/";
    }

    private static long FreeBytes(string path) => new DriveInfo(path).AvailableFreeSpace;
}
