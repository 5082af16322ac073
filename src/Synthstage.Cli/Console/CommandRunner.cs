using System.CommandLine;
using Synthstage.Cli.Commands;

namespace Synthstage.Cli.Console;

/// <summary>
/// Runs a command body and maps its outcome to an exit code: user-facing failures print
/// <c>error: message</c> on one line, Ctrl+C exits with 130, anything unexpected prints one line too
/// (the stack only with --verbose). After Ctrl+C on a resumable render (<c>resumableOutput</c>) the line says what was
/// kept and how to resume or discard it.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(ParseResult result, Func<CancellationToken, Task<int>> body, CancellationToken ct, string? resumableOutput = null)
    {
        var verbose = result.GetValue(CommonOptions.Verbose);
        try
        {
            return await body(ct);
        }
        catch (SynthstageException e)
        {
            WriteError(e.Message, verbose ? e : null);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            WriteError(ResumableCancellation.Message(resumableOutput), null);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(e.Message, verbose ? e : null);
            return ExitCodes.BadOutput;
        }
        catch (Exception e) when (!verbose)
        {
            WriteError($"unexpected failure: {e.GetType().Name}: {e.Message.Split('\n')[0]} (run with --verbose for details)", null);
            return ExitCodes.Failure;
        }
    }

    private static void WriteError(string message, Exception? detail)
    {
        System.Console.Error.WriteLine($"error: {message}");
        if (detail is not null) System.Console.Error.WriteLine(detail);
    }
}
