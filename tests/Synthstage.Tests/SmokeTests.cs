namespace Synthstage.Tests;

public class SmokeTests
{
    [Fact]
    public void ExceptionCarriesExitCode() =>
        Assert.Equal(ExitCodes.BadInput, new SynthstageException("x", ExitCodes.BadInput).ExitCode);
}
