using k8s;
using k8s.Models;
using Synthstage.Sharding;
using Synthstage.Tests.Diffusion.Models;

namespace Synthstage.Tests.Sharding;

/// <summary>The scheduler files <c>plan --emit</c> writes, read back the way the engines read them.</summary>
public sealed class EngineFileTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    [Fact]
    public async Task TheKubernetesFilesParseBackAsAnIndexedJobAndAStitchJob()
    {
        var dir = models.NewTempFolder();
        var job = Path.Combine(dir, "Music Video");
        var plan = await CliProcess.RunAsync(null, "plan", "walk", "--model", models.Folder("fp32"), "--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2",
            "--frames", "47", "-W", "64", "-H", "48", "--device", "cuda", "--shards", "3", "--emit", "k8s", "--parallelism", "2",
            "--image", "registry.example/synthstage:1", "--volume-claim", "renders", "-o", job);
        Assert.True(plan.Code == 0, plan.Stderr);
        var ct = TestContext.Current.CancellationToken;

        var render = KubernetesYaml.Deserialize<V1Job>(await File.ReadAllTextAsync(Path.Combine(job, KubernetesJobFiles.RenderFileName), ct));
        Assert.Equal("batch/v1", render.ApiVersion);
        Assert.Equal("Job", render.Kind);
        Assert.Equal("synthstage-music-video-render", render.Metadata.Name);
        Assert.Equal("Indexed", render.Spec.CompletionMode);
        Assert.Equal(3, render.Spec.Completions);
        Assert.Equal(2, render.Spec.Parallelism);
        Assert.Equal(2, render.Spec.BackoffLimitPerIndex);
        var pod = render.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy);
        var container = Assert.Single(pod.Containers);
        Assert.Equal("registry.example/synthstage:1", container.Image);
        Assert.Equal(["synthstage", "render-shard", job], container.Command);
        var mount = Assert.Single(container.VolumeMounts);
        Assert.Equal(dir, mount.MountPath);
        var volume = Assert.Single(pod.Volumes);
        Assert.Equal(mount.Name, volume.Name);
        Assert.Equal("renders", volume.PersistentVolumeClaim.ClaimName);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());

        var stitch = KubernetesYaml.Deserialize<V1Job>(await File.ReadAllTextAsync(Path.Combine(job, KubernetesJobFiles.StitchFileName), ct));
        Assert.Null(stitch.Spec.CompletionMode);
        Assert.Equal(1, stitch.Spec.Completions);
        var stitcher = Assert.Single(stitch.Spec.Template.Spec.Containers);
        Assert.Equal(["synthstage", "stitch", job, "-o", Path.Combine(job, "synthstage-music-video.mp4")], stitcher.Command);
        Assert.Null(stitcher.Resources);
        Assert.Equal("renders", Assert.Single(stitch.Spec.Template.Spec.Volumes).PersistentVolumeClaim.ClaimName);
    }

    [Theory]
    [InlineData(64, 4, 16, new[] { 0, 16, 32, 48, 64 })]
    [InlineData(65, 4, 16, new[] { 0, 32, 48, 64, 65 })]
    [InlineData(20, 4, 16, new[] { 0, 16, 20 })]
    [InlineData(60, 4, 1, new[] { 0, 15, 30, 45, 60 })]
    [InlineData(10, 3, 1, new[] { 0, 4, 7, 10 })]
    public void ShardsAreContiguousAndStartOnParts(int frames, int shards, int align, int[] bounds)
    {
        var ranges = ShardLayout.Split(frames, shards, align, warmUpFrames: 24);
        Assert.Equal(bounds, ranges.Select(r => r.Start).Append(ranges[^1].End).ToArray());
        Assert.Equal(Enumerable.Range(0, ranges.Count), ranges.Select(r => r.Index));
        Assert.All(ranges, r => Assert.Equal(Math.Min(24, r.Start), r.WarmUpFrames));
    }

    [Fact]
    public void ShardSecondsRoundUpToWholeParts()
    {
        var ranges = ShardLayout.BySeconds(100, 24, 1, 16, 0);
        Assert.Equal([0, 32, 64, 96], ranges.Select(r => r.Start).ToArray());
        Assert.Equal(100, ranges[^1].End);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<SynthstageException>(() => ShardLayout.BySeconds(100, 24, 0, 16, 0)).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<SynthstageException>(() => ShardLayout.Split(100, 0, 16, 0)).ExitCode);
    }

    [Fact]
    public void TheIndexComesFromTheFlagThenTheSchedulersVariables()
    {
        Assert.Equal(5, ShardIndex.Resolve(5, _ => "3"));
        Assert.Equal(3, ShardIndex.Resolve(null, name => name == "SLURM_ARRAY_TASK_ID" ? "3" : null));
        Assert.Equal(1, ShardIndex.Resolve(null, name => name switch { "JOB_COMPLETION_INDEX" => "1", "SLURM_ARRAY_TASK_ID" => "3", _ => null }));
        Assert.Equal(7, ShardIndex.Resolve(null, name => name == "SYNTHSTAGE_SHARD_INDEX" ? "7" : null));
        Assert.Equal("SLURM_ARRAY_TASK_ID='x' is not a shard index (a whole number)",
            Assert.Throws<SynthstageException>(() => ShardIndex.Resolve(null, name => name == "SLURM_ARRAY_TASK_ID" ? "x" : null)).Message);
    }
}
