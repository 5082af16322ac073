using Synthstage.Walks;

namespace Synthstage.Tests.Walks;

public sealed class WalkPlanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-walkplan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private WalkOptions Three(int frames = 10) => new()
    {
        Keyframes = [new("a", 1), new("b", 2), new("c", 3)],
        FramesPerSegment = frames,
        OutputPath = Path.Combine(_dir, "w.mp4"),
    };

    [Fact]
    public void FrameCountIsFramesPerSegmentTimesSegmentsPlusTheLastKeyframe()
    {
        var plan = WalkPlan.Create(Three(10));
        Assert.Equal(21, plan.FrameCount);
        Assert.Equal([0, 10, 20], plan.SegmentStarts);
        Assert.Equal([0, 0, 1, 1, 2], new[] { 0, 9, 10, 19, 20 }.Select(plan.KeyframeOf));
        Assert.Equal(0f, plan.Positions[0]);
        Assert.Equal(0.5f, plan.Positions[5]);
        Assert.Equal(0f, plan.Positions[10]);
        Assert.Equal(2, plan.KeyframeOf(20));
        Assert.Equal(0f, plan.Positions[20]);
        Assert.Equal(1, plan.SegmentOf(20));
    }

    [Fact]
    public void PerSegmentFramesStepsAndGuidanceApply()
    {
        var plan = WalkPlan.Create(Three() with { Segments = [new() { Frames = 4, Steps = 7 }, new() { Frames = 6, GuidanceScale = 3 }], Steps = 5 });
        Assert.Equal(11, plan.FrameCount);
        Assert.Equal([7, 5], plan.Steps);
        Assert.Equal([7.5f, 3f], plan.Guidance);
        Assert.Equal(0.25f, plan.Positions[1]);
    }

    [Fact]
    public void SegmentTimesGiveFramesFromTheFrameRate()
    {
        var plan = WalkPlan.Create(Three() with { SegmentTimes = [1, 5.5, 10], FrameRate = 24 });
        Assert.Equal([108, 108], plan.SegmentFrames);
        Assert.Equal(217, plan.FrameCount);
        Assert.Equal(1.0, WalkPlan.AudioStartOf(Three() with { SegmentTimes = [1, 5.5, 10] }));
    }

    [Fact]
    public void EnergyPacesThePositionWithinEachSegment()
    {
        var options = Three(4) with { Smooth = 0 };
        var energy = new float[] { 1, 0, 3, 0, /* segment 2 */ 0, 0, 0, 0, /* last */ 5 };
        var plan = WalkPlan.Create(options, energy);
        Assert.Equal([0f, 0.25f, 0.25f, 1f], plan.Positions.Take(4));
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f], plan.Positions.Skip(4).Take(4)); // silence: linear
        var smoothed = WalkPlan.Create(options with { Smooth = 0.5 }, energy);
        Assert.Equal(0.5f * 0.25f + 0.5f * 0.25f, smoothed.Positions[1]);
        Assert.Equal(0.5f * 1f + 0.5f * 0.75f, smoothed.Positions[3]);
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "one", "a walk needs at least two keyframes (prompt and seed each); got 1" },
        { "zero-frames", "frames between keyframes must be at least 1; got 0" },
        { "zero-segment-frames", "frames between keyframes must be at least 1; segment 2 has 0" },
        { "times-count", "2 segment times for 3 keyframes; give one time per keyframe" },
        { "times-order", "segment times must increase; 2 follows 3" },
        { "audio-missing", "audio file '/nonexistent/song.wav' does not exist" },
        { "batch", "batch must be at least 1; got 0" },
        { "smooth", "smooth must be between 0 and 1; got 2" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsRefusedWithOneClearLine(string kind, string message)
    {
        var options = kind switch
        {
            "one" => Three() with { Keyframes = [new("a", 1)] },
            "zero-frames" => Three(0),
            "zero-segment-frames" => Three() with { Segments = [new() { Frames = 3 }, new() { Frames = 0 }] },
            "times-count" => Three() with { SegmentTimes = [0, 1] },
            "times-order" => Three() with { SegmentTimes = [0, 3, 2] },
            "audio-missing" => Three() with { AudioPath = "/nonexistent/song.wav" },
            "batch" => Three() with { Batch = 0 },
            "smooth" => Three() with { Smooth = 2 },
            _ => throw new ArgumentException(kind),
        };
        var error = Assert.Throws<SynthstageException>(() => WalkPlan.Validate(options));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AMissingOutputFolderIsRefused()
    {
        var error = Assert.Throws<SynthstageException>(() => WalkPlan.Validate(Three() with { OutputPath = Path.Combine(_dir, "missing", "w.mp4") }));
        Assert.Equal(ExitCodes.BadOutput, error.ExitCode);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void PromptsAndSeedsOfDifferentCountsSayWhich()
    {
        var error = Assert.Throws<SynthstageException>(() => WalkKeyframe.Pair(["a", "b", "c"], [1, 2], []));
        Assert.Equal("3 prompts but 2 seeds: give one --seed per --prompt", error.Message);
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Equal("x", WalkKeyframe.Pair(["a", "b"], [1, 2], ["x"])[1].NegativePrompt);
    }
}
