namespace Synthstage.Cli.Commands;

/// <summary>
/// The value of an on|off option. Not a bool: System.CommandLine consumes a bool option's next token only when it
/// reads as true/false, so <c>--crop-smoothing off</c> would leave <c>off</c> behind as a stray argument.
/// </summary>
internal enum Switch
{
    /// <summary>Turned off.</summary>
    Off,
    /// <summary>Turned on.</summary>
    On,
}
