using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Pose;
using Synthstage.Video;

namespace Synthstage.Segmentation;

/// <summary>
/// Turns the user's <c>--model</c> value into a loaded segmenter: <c>auto</c> or <c>mediapipe-selfie</c> (landscape
/// model for wide frames, general otherwise), <c>general</c>, <c>landscape</c>, <c>pose-lite</c>, <c>pose-full</c>,
/// <c>pose-heavy</c> (BlazePose GHUM, see <see cref="PoseSegmenter"/>), a path to an ONNX file, or a folder,
/// catalog id or Hub name holding one ONNX graph. Catalogued models are installed on first use. An ONNX graph is
/// recognised by its signature: selfie-style mask model, MODNet, or Robust Video Matting (GPL-3.0).
/// </summary>
public static class SegmentationModelResolver
{
    /// <summary>Frames at least this much wider than tall use the landscape model under <c>auto</c>.</summary>
    public const double LandscapeAspect = 1.5;

    /// <summary>The model names this resolver knows without a file: auto, general, landscape and the pose models, in the order help lists them.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["auto", "general", "landscape", .. PoseSegmenter.ModelNames.Keys];

    /// <summary>
    /// The usage message for a <c>--model</c> value that cannot name a segmentation model (not a built-in name, an
    /// .onnx path, an existing file or folder, a catalog id nor a Hub name), listing the built-in names and the
    /// nearest of them; null when the value may name one (whether it loads is only known when it is opened).
    /// </summary>
    public static string? UnknownModelMessage(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (BuiltInNames.Contains(model, StringComparer.OrdinalIgnoreCase) || model.Equals(SelfieModelInstaller.ModelId, StringComparison.OrdinalIgnoreCase)
            || model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || File.Exists(model) || Directory.Exists(model)
            || ModelCatalog.Find(model) is not null || Models.Hub.HubReference.IsHubName(model))
            return null;
        var nearest = NearestNames.Find(model, BuiltInNames, 2);
        var guess = nearest.Count > 0 ? $" (did you mean {string.Join(" or ", nearest.Select(n => $"'{n}'"))}?)" : "";
        return $"unknown segmentation model '{model}'{guess}; use {string.Join(", ", BuiltInNames)}, or an .onnx file";
    }

    /// <summary>Picks the catalogued variant for a frame size, or returns the explicit choice.</summary>
    public static string ChooseVariant(string model, int width, int height) => model.ToLowerInvariant() switch
    {
        "auto" or SelfieModelInstaller.ModelId => (double)width / height >= LandscapeAspect ? "landscape" : "general",
        "general" or "landscape" => model.ToLowerInvariant(),
        _ => model,
    };

    /// <summary>
    /// Loads the segmenter for <paramref name="model"/>, installing the default model when needed.
    /// <paramref name="poseTracking"/> configures the pose models' tracker (null: landmark smoothing on, default frame rate).
    /// </summary>
    /// <exception cref="SynthstageException">Unknown model name, missing file, or a model of the wrong kind.</exception>
    public static async Task<IPersonSegmenter> CreateAsync(string model, int width, int height, ModelStore store,
        SessionOptionsSpec session, IProgress<PipelineProgress>? progress, CancellationToken ct, PoseTrackerOptions? poseTracking = null)
    {
        if (UnknownModelMessage(model) is { } unknown) throw new SynthstageException(unknown, ExitCodes.Usage);
        var choice = ChooseVariant(model, width, height);
        if (PoseSegmenter.ModelNames.ContainsKey(choice))
            return await PoseSegmenter.CreateAsync(choice, width, height, store, session, progress, ct, poseTracking).ConfigureAwait(false);
        if (choice is "general" or "landscape")
        {
            var folder = await SelfieModelInstaller.EnsureInstalledAsync(store, choice, progress, ct).ConfigureAwait(false);
            return SelfieSegmenter.Create(Path.Combine(folder, choice + ".onnx"), session);
        }
        if (choice.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || File.Exists(choice))
            return OpenOnnx(choice, width, height, session);
        // A folder, catalog id or Hub name holding exactly one ONNX graph.
        var resolved = await ModelResolver.ResolveAsync(choice, store: store, progress: progress, cancellationToken: ct).ConfigureAwait(false);
        var graphs = Directory.GetFiles(resolved, "*.onnx", SearchOption.AllDirectories);
        if (graphs.Length != 1)
            throw new SynthstageException($"'{model}' holds {graphs.Length} .onnx files; pass the path of the segmentation model's .onnx file", ExitCodes.BadModel);
        return OpenOnnx(graphs[0], width, height, session);
    }

    /// <summary>
    /// Opens an ONNX graph and wraps it by its signature (<see cref="MattingModelSignature"/>): a selfie-style mask
    /// model, MODNet, or Robust Video Matting (GPL-3.0).
    /// </summary>
    /// <exception cref="SynthstageException">Missing or corrupt file, or a graph of none of these kinds (the message lists its inputs and outputs).</exception>
    public static IPersonSegmenter OpenOnnx(string path, int width, int height, SessionOptionsSpec session)
    {
        var name = Path.GetFileName(path);
        var opened = OnnxSessionFactory.Create(path, session);
        try
        {
            switch (MattingModelSignature.Recognise(opened, name))
            {
                case MattingModelKind.RobustVideoMatting:
                    return RobustVideoMattingSegmenter.Create(opened, name, width, height);
                case MattingModelKind.Modnet:
                    return ModnetSegmenter.Create(opened, width, height);
                default:
                    opened.Dispose();
                    return SelfieSegmenter.Create(path, session);
            }
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }
}
