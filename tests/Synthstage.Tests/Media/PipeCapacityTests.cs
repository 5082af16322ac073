using Synthstage.Media;

namespace Synthstage.Tests.Media;

public class PipeCapacityTests
{
    [Fact]
    public void EnlargesAChildProcessPipeOnLinux()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("F_SETPIPE_SZ is Linux-only");
        SharedData.RequireFfmpeg();
        using var process = FfmpegTools.Start(FfmpegTools.FfmpegPath, ["-hide_banner", "-version"], redirectInput: false, redirectOutput: true);
        process.BeginErrorReadLine();
        Assert.True(PipeCapacity.TryEnlarge(process.StandardOutput.BaseStream), process.StandardOutput.BaseStream.GetType().Name);
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
    }
}
