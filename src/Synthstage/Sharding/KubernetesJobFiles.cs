using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Synthstage.Sharding;

/// <summary>
/// The Kubernetes files of a job: an Indexed Job that renders shard <c>JOB_COMPLETION_INDEX</c> in each pod
/// (completions = shards, each index retried on its own) and a Job that stitches once all have completed — built on the
/// KubernetesClient model types and written with its YAML serialiser, so the fields are the API's own.
/// </summary>
public static partial class KubernetesJobFiles
{
    /// <summary>The render Job's file name in the job folder.</summary>
    public const string RenderFileName = "k8s-render.yaml";

    /// <summary>The stitch Job's file name in the job folder.</summary>
    public const string StitchFileName = "k8s-stitch.yaml";

    /// <summary>The Indexed Job that renders the shards.</summary>
    public static V1Job RenderJob(string jobFolder, JobManifest manifest, EngineFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(options);
        var folder = Path.GetFullPath(jobFolder);
        var name = JobName(folder);
        return Job(name, "render", new V1JobSpec
        {
            CompletionMode = "Indexed",
            Completions = manifest.Shards.Count,
            Parallelism = Math.Min(options.Parallelism ?? manifest.Shards.Count, manifest.Shards.Count),
            // Per index: a shard that keeps failing does not use up the retries of the others.
            BackoffLimitPerIndex = options.BackoffLimitPerIndex,
            Template = Pod(name, folder, options, ["synthstage", "render-shard", folder], options.Gpu),
        });
    }

    /// <summary>The Job that stitches the finished shards (submit it once the render Job is complete).</summary>
    public static V1Job StitchJob(string jobFolder, JobManifest manifest, EngineFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(options);
        var folder = Path.GetFullPath(jobFolder);
        var name = JobName(folder);
        return Job(name, "stitch", new V1JobSpec
        {
            Completions = 1,
            BackoffLimit = 2,
            Template = Pod(name, folder, options, ["synthstage", "stitch", folder, "-o", StitchOutput(folder, manifest, options)], gpu: false),
        });
    }

    private static V1Job Job(string name, string role, V1JobSpec spec) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Metadata = new V1ObjectMeta { Name = $"{name}-{role}", Labels = Labels(name) },
        Spec = spec,
    };

    /// <summary>Writes both files into the job folder.</summary>
    /// <returns>Their paths.</returns>
    public static IReadOnlyList<string> Write(string jobFolder, JobManifest manifest, EngineFileOptions options)
    {
        var render = Path.Combine(jobFolder, RenderFileName);
        var stitch = Path.Combine(jobFolder, StitchFileName);
        AtomicFile.Write(render, s => s.Write(System.Text.Encoding.UTF8.GetBytes(KubernetesYaml.Serialize(RenderJob(jobFolder, manifest, options)))), "the Kubernetes render Job");
        AtomicFile.Write(stitch, s => s.Write(System.Text.Encoding.UTF8.GetBytes(KubernetesYaml.Serialize(StitchJob(jobFolder, manifest, options)))), "the Kubernetes stitch Job");
        return [render, stitch];
    }

    /// <summary>Where the stitch writes: the option, else <c>JOB_DIR/&lt;name&gt;&lt;extension&gt;</c>.</summary>
    public static string StitchOutput(string jobFolder, JobManifest manifest, EngineFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(options);
        return options.StitchOutput is { } given ? Path.GetFullPath(given) : Path.Combine(Path.GetFullPath(jobFolder), JobName(jobFolder) + manifest.Extension);
    }

    /// <summary>A DNS-1123 name from the job folder's name: <c>synthstage-</c> and its lowercase letters, digits and dashes, at most 50 characters (room for the suffixes).</summary>
    public static string JobName(string jobFolder)
    {
        var raw = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(jobFolder))).ToLowerInvariant();
        var name = "synthstage-" + NotNameCharacters().Replace(raw, "-").Trim('-');
        return name[..Math.Min(50, name.Length)].TrimEnd('-');
    }

    private static Dictionary<string, string> Labels(string name) => new() { ["app.kubernetes.io/name"] = "synthstage", ["synthstage/job"] = name };

    private static V1PodTemplateSpec Pod(string name, string folder, EngineFileOptions options, IList<string> command, bool gpu)
    {
        var mount = options.MountPath ?? Path.GetDirectoryName(folder)!;
        var container = new V1Container
        {
            Name = "synthstage",
            Image = options.Image,
            Command = command,
            VolumeMounts = [new V1VolumeMount { Name = "jobs", MountPath = mount }],
        };
        if (gpu)
        {
            var quantity = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("1") };
            container.Resources = new V1ResourceRequirements { Limits = quantity, Requests = new Dictionary<string, ResourceQuantity>(quantity) };
        }
        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = Labels(name) },
            Spec = new V1PodSpec
            {
                // backoffLimitPerIndex needs Never: a failed pod is replaced by a new one, which resumes the shard.
                RestartPolicy = "Never",
                Containers = [container],
                Volumes = [new V1Volume { Name = "jobs", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = options.VolumeClaim } }],
            },
        };
    }

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotNameCharacters();
}
