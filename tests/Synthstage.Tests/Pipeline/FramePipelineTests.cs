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

    [Theory]
    [InlineData(3, 2)]
    [InlineData(40, 3)]
    [InlineData(1, 4)]
    public async Task ADelayedStageReleasesEveryFrameInOrderOnceItsLookAheadIsIn(int frames, int delay)
    {
        // Each frame's mask becomes the sum of its input and the next `delay` inputs: only right when the stage really
        // saw those frames before releasing it, and the end of the input releases the held frames.
        var inputs = new List<int>();
        var released = new List<int>();
        var pipeline = new FramePipeline(inputBytes: 1, maskValues: 1, outputBytes: 0, depth: 2)
            .AddDelayedStage("window", delay, w => inputs.Add(w.Input[0]), w =>
            {
                released.Add(w.Index);
                w.Mask[0] = inputs.Skip(w.Index).Take(delay + 1).Sum();
                Assert.True(inputs.Count == frames || inputs.Count == w.Index + delay + 1, $"frame {w.Index} released after {inputs.Count} frames were in");
            })
            .AddStage("copy", w => w.Output[0] = (byte)w.Mask[0]);
        var next = 0;
        var output = new List<byte>();
        var written = await pipeline.RunAsync(
            (w, _) =>
            {
                if (next == frames) return ValueTask.FromResult(false);
                w.Input[0] = (byte)(next++ % 7);
                return ValueTask.FromResult(true);
            },
            (w, _) => { output.Add(w.Output[0]); return ValueTask.CompletedTask; },
            TestContext.Current.CancellationToken);
        Assert.Equal(frames, written);
        Assert.Equal(Enumerable.Range(0, frames), released);
        var expected = Enumerable.Range(0, frames).Select(i => (byte)Enumerable.Range(i, Math.Min(delay + 1, frames - i)).Sum(k => k % 7));
        Assert.Equal(expected, output);
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
