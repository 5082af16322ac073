using Synthstage.Walks;
using Synthstage.Walks.Pacing;

namespace Synthstage.Tests.Walks;

public sealed class PercussiveEnergyTests : IDisposable
{
    private const double Fps = 24;
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-walkaudio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A click three quarters into every 12th frame (twice a second), over 4 s.
    private static readonly int[] ClickFrames = [6, 18, 30, 42, 54, 66, 78, 90];

    private string ClickTrack(double seconds = 4)
    {
        var path = Path.Combine(_dir, "clicks.wav");
        WalkAudio.WriteClickTrack(path, seconds, ClickFrames.Select(f => (f + 0.75) / Fps));
        return path;
    }

    private static bool NearAClick(int frame) => ClickFrames.Any(c => Math.Abs(c - frame) <= 1);

    [Fact]
    public async Task ClicksCarryTheEnergy()
    {
        SharedData.RequireFfmpeg();
        var energy = await PercussiveEnergy.MeasureAsync(ClickTrack(), 0, 96, Fps, padWithSilence: false, TestContext.Current.CancellationToken);
        Assert.Equal(96, energy.Length);
        var quiet = Enumerable.Range(0, 96).Where(f => !NearAClick(f)).Max(f => energy[f]);
        var weakestClick = ClickFrames.Min(f => energy[f]);
        Assert.True(weakestClick > 4 * quiet, $"weakest click frame {weakestClick}, loudest frame away from clicks {quiet}");
    }

    [Fact]
    public async Task ThePositionAdvancesFasterAtTheClicksThanBetweenThem()
    {
        SharedData.RequireFfmpeg();
        var options = new WalkOptions
        {
            Keyframes = [new("a", 1), new("b", 2)],
            FramesPerSegment = 95,
            Smooth = 0.2,
            AudioPath = ClickTrack(),
            OutputPath = Path.Combine(_dir, "w.mp4"),
        };
        var energy = await PercussiveEnergy.MeasureAsync(options.AudioPath!, 0, 96, Fps, false, TestContext.Current.CancellationToken);
        var plan = WalkPlan.Create(options, energy);
        var step = Enumerable.Range(0, 94).Select(f => plan.Positions[f + 1] - plan.Positions[f]).ToArray();
        var atClicks = ClickFrames.Where(f => f < 94).Select(f => step[f]).ToArray();
        var between = Enumerable.Range(0, 94).Where(f => !NearAClick(f)).Select(f => step[f]).ToArray();
        Assert.True(atClicks.Min() > 3 * between.Max(), $"smallest step at a click {atClicks.Min()}, largest between clicks {between.Max()}");
        Assert.All(step, s => Assert.True(s > 0, "the position never stands still with smooth > 0"));
        Assert.True(plan.Positions[94] < 1 && plan.Positions[94] > 0.9);
    }

    [Fact]
    public async Task AudioShorterThanTheWalkIsRefusedUnlessPadded()
    {
        SharedData.RequireFfmpeg();
        var path = ClickTrack(seconds: 2);
        var error = await Assert.ThrowsAsync<SynthstageException>(() => PercussiveEnergy.MeasureAsync(path, 0.5, 96, Fps, false, TestContext.Current.CancellationToken));
        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Equal($"audio '{path}' is too short: the walk needs 4 s from 0.5 s but only 1.5 s are there; use fewer frames, an earlier start, or pad with silence", error.Message);
        var padded = await PercussiveEnergy.MeasureAsync(path, 0.5, 96, Fps, true, TestContext.Current.CancellationToken);
        Assert.Equal(96, padded.Length);
        Assert.True(padded[..30].Max() > 10 * padded[40..].Max(), "the padded tail is silent");
    }

    [Fact]
    public async Task AFileWithoutAudioIsRefused()
    {
        SharedData.RequireFfmpeg();
        var footage = SharedData.Require("footage/juggle.mp4");
        var error = await Assert.ThrowsAsync<SynthstageException>(() => PercussiveEnergy.MeasureAsync(footage, 0, 10, Fps, false, TestContext.Current.CancellationToken));
        Assert.Equal($"'{footage}' has no audio stream", error.Message);
    }
}
