using Synthstage.Compositing;
using Synthstage.Models;
using Synthstage.Scenes;
using Synthstage.Video;
using Synthstage.Walks;

namespace Synthstage.Studio;

/// <summary>
/// Turns a <see cref="RenderRequest"/> into one engine call — <see cref="CompositeJob"/>, <see cref="SceneCompositeJob"/>
/// for a prompt (still, moving or walking), or <see cref="WalkJob"/> for a walk video — writing a video as <see cref="RenderOutput.Resumable"/> parts under <c>outputs/JOB/</c>, so a job
/// started again after a crash or a pause continues from its finished parts.
/// </summary>
public sealed class StudioJobRunner(StudioDataFolder folder, ModelStore store)
{
    /// <summary>Seconds of video per resumable part (<see cref="RenderOutput.Resumable.PartSeconds"/>).</summary>
    public double PartSeconds { get; init; } = 10;

    /// <summary>Where the job's output goes, relative to the data folder: the same for every run of the job.</summary>
    public string OutputFor(StudioJob job, bool still)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Request.Walk is not null) return $"outputs/{job.Id}/walk.mp4";
        var stem = Path.GetFileNameWithoutExtension(ClipUploads.NameOf(folder.Resolve(job.Request.Clip)));
        var safe = new string([.. stem.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-')]).Trim('-');
        return $"outputs/{job.Id}/{(safe.Length == 0 ? "clip" : safe)}-composite{(still ? ".png" : ".mp4")}";
    }

    /// <summary>Renders the job; the output path is reported through <paramref name="outputChosen"/> before the first frame.</summary>
    /// <exception cref="SynthstageException">Bad settings, an unreadable clip, a missing model …: the job's one-line error.</exception>
    public async Task<RenderResult> RunAsync(StudioJob job, Action<string> outputChosen, IProgress<PipelineProgress> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(outputChosen);
        var request = job.Request;
        if (request.Walk is { } walk) return await RunWalkAsync(job, walk, outputChosen, progress, ct).ConfigureAwait(false);
        var clip = folder.Resolve(request.Clip);
        var info = await Media.MediaProbe.ProbeAsync(clip, ct).ConfigureAwait(false);
        var relative = OutputFor(job, info.IsStillImage);
        var output = Path.Combine(folder.Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        outputChosen(relative);
        RenderOutput target = info.IsStillImage ? new RenderOutput.Plain(output) : new RenderOutput.Resumable(output) { PartSeconds = PartSeconds };
        // The clicks become the same selection --subject/--exclude give the CLI, in the clip's display pixels.
        var keying = new KeyingOptions
        {
            Model = request.Model,
            Store = store,
            Selection = SubjectPoint.ToSelection(request.Subject, info.DisplayWidth, info.DisplayHeight),
        };
        var look = new CompositeLook { Harmonize = request.Harmonize, LightWrap = request.LightWrap };
        if (request.Scene is { Motion: "walk" } walking)
        {
            var walked = await SceneCompositeJob.RunWalkAsync(clip, target, SceneOptionsOf(walking), keying, look, progress, ct).ConfigureAwait(false);
            return walked.Render;
        }
        if (request.Scene is { } scene)
        {
            var result = await SceneCompositeJob.RunAsync(clip, target, SceneOptionsOf(scene), keying, look, progress, ct).ConfigureAwait(false);
            return result.Render;
        }
        return await CompositeJob.RunAsync(clip, target, request.BackgroundSpec(folder), keying, look, progress, ct).ConfigureAwait(false);
    }

    /// <summary>The engine's scene options for a prompt request (see <see cref="SceneRequest.ToOptions"/>).</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: an empty prompt, a setting out of range, unknown motion or model.</exception>
    public SceneOptions SceneOptionsOf(SceneRequest scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        return scene.ToOptions(folder);
    }

    // A walk has no clip: WalkJob writes its own resumable output (parts + state file), so a paused or interrupted walk continues.
    private async Task<RenderResult> RunWalkAsync(StudioJob job, WalkRequest walk, Action<string> outputChosen, IProgress<PipelineProgress> progress, CancellationToken ct)
    {
        var relative = OutputFor(job, still: false);
        var output = Path.Combine(folder.Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var options = walk.ToOptions(folder, output) with { Store = store };
        var model = await SceneGenerator.ResolveModelAsync(walk.ModelValue(folder), store, progress, ct).ConfigureAwait(false);
        outputChosen(relative);
        var result = await WalkJob.RunAsync(model, new Onnx.SessionOptionsSpec(Onnx.ExecutionDevice.Cpu, IntraOpThreads: 0), options, null, progress, ct)
            .ConfigureAwait(false);
        return new RenderResult(result.OutputPath, result.Frames, result.Elapsed, result.Warnings.Count == 0 ? null : string.Join("; ", result.Warnings));
    }
}
