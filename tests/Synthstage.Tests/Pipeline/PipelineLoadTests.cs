using Synthstage.Media;
using Synthstage.Pipeline;

namespace Synthstage.Tests.Pipeline;

/// <summary>Which stage of a frame pipeline is the bottleneck, and how it is named.</summary>
public sealed class PipelineLoadTests
{
    private static Dictionary<string, TimeSpan> Busy(params (string Stage, double Seconds)[] stages) =>
        stages.ToDictionary(s => s.Stage, s => TimeSpan.FromSeconds(s.Seconds));

    private static readonly Dictionary<string, string> Vp9Good = new() { ["encode"] = "libvpx-vp9 good, cpu-used 1" };

    [Fact]
    public void AnAlphaWebMAtTheGoodDeadlineIsBoundByItsEncoder()
    {
        // Measured: synthstage matte of 48 frames at 640×360, --refine off --vp9-deadline good --preset veryslow, 2 cores.
        var load = new PipelineLoad(Busy(("decode", 0.19), ("segment", 0.48), ("finish", 0.34), ("stamp", 0.03), ("encode", 3.58)),
            TimeSpan.FromSeconds(3.77), Vp9Good);

        var slowest = Assert.IsType<StageLoad>(load.Slowest);
        Assert.Equal("encode", slowest.Stage);
        Assert.Equal(3.58 / 3.77, slowest.Share, 1e-12);
        Assert.Equal("encode (libvpx-vp9 good, cpu-used 1) 95 % busy", slowest.ToString());
        Assert.Equal(["decode", "segment", "finish", "stamp", "encode"], load.Stages.Select(s => s.Stage));
        Assert.Equal(["5 %", "13 %", "9 %", "1 %", "95 %"], load.Stages.Select(s => s.Percent));
    }

    [Fact]
    public void AnotherSlowestStageIsNamedWithoutTheEncoder()
    {
        // Measured: synthstage matte of 48 frames at 320×180 with guided refinement, realtime VP9: the refinement bounds it.
        var load = new PipelineLoad(Busy(("decode", 0.08), ("segment", 0.40), ("finish", 0.62), ("stamp", 0.01), ("encode", 0.25)),
            TimeSpan.FromSeconds(0.76), new Dictionary<string, string> { ["encode"] = "libvpx-vp9 realtime" });

        Assert.Equal("finish 82 % busy", load.Slowest!.ToString());
        Assert.Equal("libvpx-vp9 realtime", load.Stages.Single(s => s.Stage == "encode").Tool);
    }

    [Fact]
    public void NothingIsTheBottleneckBeforeAnyTimeOrWork()
    {
        Assert.Null(new PipelineLoad(Busy(("decode", 0), ("encode", 0)), TimeSpan.FromSeconds(1)).Slowest);
        Assert.Null(new PipelineLoad(Busy(("decode", 0.1)), TimeSpan.Zero).Slowest);
        Assert.Null(new PipelineLoad(new Dictionary<string, TimeSpan>(), TimeSpan.FromSeconds(1)).Slowest);
        Assert.Equal(0, new PipelineLoad(Busy(("decode", 0.1)), TimeSpan.Zero).Stages[0].Share);
    }

    [Fact]
    public void OfEquallyBusyStagesTheFirstIsNamed() =>
        Assert.Equal("segment", new PipelineLoad(Busy(("decode", 0.1), ("segment", 0.5), ("finish", 0.5)), TimeSpan.FromSeconds(1)).Slowest!.Stage);

    [Fact]
    public async Task ARunningPipelineIsSampledAndItsSinkFinishingCountsAsTheSinks()
    {
        const int frames = 30;
        var pipeline = new FramePipeline(1, 1, 0).AddStage("segment", _ => Thread.Sleep(10)).AddStage("finish", _ => { });
        var sampler = new PipelineLoadSampler(pipeline, Vp9Good, TimeSpan.FromMilliseconds(50));
        var patient = new PipelineLoadSampler(pipeline, Vp9Good, TimeSpan.FromHours(1));
        var live = new List<StageLoad?>();
        var next = 0;
        await pipeline.RunAsync((_, _) => ValueTask.FromResult(next++ < frames), (_, _) =>
            {
                live.Add(sampler.Sample());
                Assert.Null(patient.Sample()); // the first read waits one interval too
                return ValueTask.CompletedTask;
            },
            TestContext.Current.CancellationToken);

        // Sleeping 10 ms a frame takes 300 ms at least, so the last frames see the sleeping stage as the bottleneck.
        Assert.Equal("segment", live[^1]?.Stage);
        Assert.InRange(live[^1]!.Share, 0.5, 1.0);
        // Between two reads the last one is handed out again: at most one read per interval, whatever the frame rate.
        var reads = live.OfType<StageLoad>().Distinct(ReferenceEqualityComparer.Instance).Count();
        Assert.InRange(reads, 1, (int)(sampler.Elapsed / TimeSpan.FromMilliseconds(50)) + 1);
        var run = sampler.Total();
        Assert.Equal("segment", run.Slowest!.Stage);

        // Half a second of encoder drain after the loop outweighs the 300 ms of sleeping: the encoder is then the bottleneck.
        var drained = sampler.Total(TimeSpan.FromSeconds(0.5));
        Assert.Equal("encode", drained.Slowest!.Stage);
        Assert.Equal("libvpx-vp9 good, cpu-used 1", drained.Slowest.Tool);
        Assert.Equal(run.Stages.Single(s => s.Stage == "encode").Busy + TimeSpan.FromSeconds(0.5), drained.Slowest.Busy);
    }

    [Theory]
    [InlineData(OutputFormat.Mp4, Vp9Deadline.Realtime, "veryfast", "libx264 veryfast")]
    [InlineData(OutputFormat.WebM, Vp9Deadline.Realtime, "veryfast", "libvpx-vp9 realtime")]
    [InlineData(OutputFormat.WebM, Vp9Deadline.Good, "medium", "libvpx-vp9 good, cpu-used 3")]
    [InlineData(OutputFormat.ProRes, Vp9Deadline.Good, "slow", "prores_ks")]
    [InlineData(OutputFormat.PngSequence, Vp9Deadline.Realtime, "veryfast", "png")]
    [InlineData(OutputFormat.Png, Vp9Deadline.Realtime, "veryfast", "png")]
    public void TheEncoderIsNamedWithWhatSetsItsSpeed(OutputFormat format, Vp9Deadline deadline, string preset, string expected) =>
        Assert.Equal(expected, OutputProfile.For(format).DescribeEncoder(new EncoderSettings { Vp9Deadline = deadline, Preset = preset }));
}
