using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Pose;
using Synthstage.Video;

namespace Synthstage.Segmentation;

/// <summary>
/// Turns the user's <c>--model</c> value into a loaded segmenter: <c>auto</c> (<see cref="AutoChoice"/>),
/// <c>mediapipe-selfie</c> or <c>general</c>, <c>landscape</c>, <c>pose-lite</c>, <c>pose-full</c>,
/// <c>pose-heavy</c> (BlazePose GHUM, see <see cref="PoseSegmenter"/>), <c>person</c> and <c>person-lite</c>
/// (<see cref="FusedPersonSegmenter"/>), a path to an ONNX file, or a folder,
/// catalog id or Hub name holding one ONNX graph. Catalogued models are installed on first use. An ONNX graph is
/// recognised by its signature: selfie-style mask model, MODNet, or Robust Video Matting (GPL-3.0).
/// </summary>
public static class SegmentationModelResolver
{
    /// <summary>
    /// What <c>auto</c> picks: the general selfie model. The landscape selfie model (the old choice for wide frames)
    /// expects a face in a video call and drops a person whose face is out of shot; the general one keys such a person
    /// whole. It loses the forearms of a small, full-body person in some frames, which <c>person-lite</c> (general ∪
    /// BlazePose lite) keeps — at about twice the default's cost per frame, so that one is a choice, not the default
    /// (docs/matte-quality.md).
    /// </summary>
    public const string AutoChoice = "general";

    /// <summary>
    /// The fused names: the general selfie model ∪ a BlazePose model's segmentation (<see cref="FusedPersonSegmenter"/>),
    /// each naming the pose model it fuses with.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FusedModels { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["person"] = "pose-full",
        ["person-lite"] = "pose-lite",
    };

    /// <summary>The model names this resolver knows without a file: auto, general, landscape and the pose models, in the order help lists them.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["auto", "general", "landscape", .. PoseSegmenter.ModelNames.Keys, .. FusedModels.Keys, IsNetModelInstaller.ModelId, IsNetModelInstaller.Model512];

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
        "auto" => AutoChoice,
        SelfieModelInstaller.ModelId => "general",
        "general" or "landscape" or "person" or "person-lite" => model.ToLowerInvariant(),
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
        if (FusedModels.TryGetValue(choice, out var poseModel))
            return await CreateFusedAsync(poseModel, width, height, store, session, progress, ct, poseTracking).ConfigureAwait(false);
        if (PoseSegmenter.ModelNames.ContainsKey(choice))
            return await PoseSegmenter.CreateAsync(choice, width, height, store, session, progress, ct, poseTracking).ConfigureAwait(false);
        if (choice.Equals(IsNetModelInstaller.ModelId, StringComparison.OrdinalIgnoreCase))
            return IsNetSegmenter.Open(store, session); // opt-in (AGPL-3.0): never installed on first use
        if (choice.Equals(IsNetModelInstaller.Model512, StringComparison.OrdinalIgnoreCase))
            return await IsNetSegmenter.OpenAsync(store, 512, session, ct).ConfigureAwait(false);
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

    private static async Task<IPersonSegmenter> CreateFusedAsync(string poseModel, int width, int height, ModelStore store,
        SessionOptionsSpec session, IProgress<PipelineProgress>? progress, CancellationToken ct, PoseTrackerOptions? poseTracking)
    {
        var folder = await SelfieModelInstaller.EnsureInstalledAsync(store, "general", progress, ct).ConfigureAwait(false);
        var selfie = SelfieSegmenter.Create(Path.Combine(folder, "general.onnx"), session);
        try
        {
            var pose = await PoseSegmenter.CreateAsync(poseModel, width, height, store, session, progress, ct, poseTracking).ConfigureAwait(false);
            return new FusedPersonSegmenter(selfie, pose);
        }
        catch
        {
            selfie.Dispose();
            throw;
        }
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
