namespace Synthstage;

/// <summary>
/// A failure the user can act on: a missing file, a model of the wrong kind, an unwritable folder.
/// The CLI prints its message on one line and exits with <see cref="ExitCode"/>.
/// </summary>
public class SynthstageException : Exception
{
    /// <summary>Creates the exception with a message that names the input and the fix.</summary>
    public SynthstageException(string message, int exitCode = ExitCodes.Failure, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    /// <summary>The process exit code the CLI returns for this failure (see <see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; }
}
