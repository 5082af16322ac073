using Synthstage.Pipeline;
using Synthstage.Video;

namespace Synthstage.Tests.Pipeline;

public class FramePipelineTests
{
    [Fact]
    public async Task StagesSeeEveryFrameInOrderAndBuffersAreReused()
    {
        const int frames = 500;
        var seen = new List<int>();
        var buffers = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        var output = new List<int>();
        var pipeline = new FramePipeline(inputBytes: 4, maskValues: 1, outputBytes: 0, depth: 4)
            .AddStage("double", w => { seen.Add(w.Index); w.Mask[0] = w.Input[0] * 2; })
            .AddStage("copy", w => w.Output[1] = (byte)w.Mask[0]);
        var next = 0;
        var written = await pipeline.RunAsync(
            (w, _) =>
            {
                if (next == frames) return ValueTask.FromResult(false);
                w.Input[0] = (byte)(next++ % 100);
                buffers.Add(w.Input);
                return ValueTask.FromResult(true);
            },
            (w, _) => { output.Add(w.Index); Assert.Equal((byte)(w.Index % 100 * 2), w.Output[1]); return ValueTask.CompletedTask; },
            TestContext.Current.CancellationToken);
        Assert.Equal(frames, written);
        Assert.Equal(Enumerable.Range(0, frames), seen);
        Assert.Equal(Enumerable.Range(0, frames), output);
        Assert.True(buffers.Count <= 4, $"{buffers.Count} distinct frame buffers for depth 4");
    }

    [Fact]
    public async Task AStageFailureStopsThePipelineAndSurfacesTheCause()
    {
        var pipeline = new FramePipeline(1, 1, 0).AddStage("fail", w =>
        {
            if (w.Index == 10) throw new SynthstageException("boom at 10");
        });
        var ex = await Assert.ThrowsAsync<SynthstageException>(() => pipeline.RunAsync(
            (_, _) => ValueTask.FromResult(true), (_, _) => ValueTask.CompletedTask, TestContext.Current.CancellationToken));
        Assert.Equal("boom at 10", ex.Message);
    }

    [Fact]
    public async Task BusyTimesAreKeyedByStageName()
    {
        const int frames = 40;
        var pipeline = new FramePipeline(1, 1, 0) { SourceName = "read", SinkName = "write" }
            .AddStage("slow", _ => Thread.Sleep(3))
            .AddStage("idle", _ => { });
        Assert.Empty(pipeline.BusyTimes);
        var next = 0;
        await pipeline.RunAsync((_, _) => ValueTask.FromResult(next++ < frames), (_, _) => ValueTask.CompletedTask, TestContext.Current.CancellationToken);

        var busy = pipeline.BusyTimes;
        Assert.Equal(["idle", "read", "slow", "write"], busy.Keys.Order(StringComparer.Ordinal));
        // Sleeping 3 ms per frame puts at least 120 ms on the slow stage, whatever the load; the idle one does nothing.
        Assert.True(busy["slow"] >= TimeSpan.FromMilliseconds(frames * 3), $"slow {busy["slow"]}");
        Assert.True(busy["idle"] < busy["slow"], $"idle {busy["idle"]}, slow {busy["slow"]}");
    }

    [Fact]
    public void StageNamesAreUnique()
    {
        var pipeline = new FramePipeline(1, 1, 0).AddStage("segment", _ => { });
        Assert.Throws<ArgumentException>(() => pipeline.AddStage("segment", _ => { }));
        Assert.Throws<ArgumentException>(() => pipeline.AddStage("decode", _ => { }));
        Assert.Throws<ArgumentException>(() => pipeline.AddStage("encode", _ => { }));
    }

    [Fact]
    public async Task CancellationStopsAnEndlessSource()
    {
        using var cts = new CancellationTokenSource();
        var written = 0;
        var pipeline = new FramePipeline(1, 1, 0);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.RunAsync(
            (_, _) => ValueTask.FromResult(true),
            (_, _) => { if (++written == 50) cts.Cancel(); return ValueTask.CompletedTask; },
            cts.Token));
        Assert.InRange(written, 50, 60);
    }
}
