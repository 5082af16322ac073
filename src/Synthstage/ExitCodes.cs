namespace Synthstage;

/// <summary>Documented process exit codes of the synthstage command.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;
    /// <summary>A general failure (bad model, failed encode, unsupported operator).</summary>
    public const int Failure = 1;
    /// <summary>Bad command-line usage.</summary>
    public const int Usage = 2;
    /// <summary>An input is missing, unreadable, not a video/image, or has no decodable frames.</summary>
    public const int BadInput = 3;
    /// <summary>The output cannot be written (missing or read-only folder, disk full).</summary>
    public const int BadOutput = 4;
    /// <summary>A required model is missing, corrupt or of the wrong kind.</summary>
    public const int BadModel = 5;
    /// <summary>The work was cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
