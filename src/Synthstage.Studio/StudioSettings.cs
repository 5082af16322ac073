using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Synthstage.Studio;

/// <summary>How a studio instance runs: where it listens, its token, its data folder and upload limit.</summary>
public sealed record StudioSettings
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string Section = "Studio";

    /// <summary>Default port (the one local diffusion web apps commonly use).</summary>
    public const int DefaultPort = 7860;

    /// <summary>Address to bind; loopback unless the user asks otherwise.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port (0: any free port).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The token every request must carry; null only on a loopback address.</summary>
    public string? Token { get; init; }

    /// <summary>Uploads, the job store and outputs.</summary>
    public required string DataFolder { get; init; }

    /// <summary>The largest upload accepted.</summary>
    public long MaxUploadBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Where models are installed (null: the default store).</summary>
    public string? ModelStore { get; init; }

    /// <summary>Seconds of video per resumable part of a render: the most a crash or pause costs (each part is one more encoder start).</summary>
    public double PartSeconds { get; init; } = DefaultPartSeconds;

    /// <summary>The part length unless one is given.</summary>
    public const double DefaultPartSeconds = 10;

    /// <summary>True when <see cref="Host"/> is a loopback address or "localhost".</summary>
    public bool IsLoopback => IsLoopbackHost(Host);

    /// <summary>True for "localhost" and loopback IP addresses.</summary>
    public static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Throws unless the settings are safe to serve: a non-loopback address needs a token.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>.</exception>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new SynthstageException($"--port must be 0 to 65535 (got {Port})", ExitCodes.Usage);
        if (!IsLoopback && string.IsNullOrEmpty(Token))
            throw new SynthstageException($"--host {Host} is reachable from other machines: it needs a token (--token, or let the studio make one)", ExitCodes.Usage);
        if (Token is { Length: < 16 }) throw new SynthstageException("--token must be at least 16 characters", ExitCodes.Usage);
        if (MaxUploadBytes <= 0) throw new SynthstageException("the upload limit must be positive", ExitCodes.Usage);
        if (!(PartSeconds > 0) || double.IsInfinity(PartSeconds)) throw new SynthstageException($"--part-seconds must be more than 0 (got {PartSeconds})", ExitCodes.Usage);
    }

    /// <summary>These settings as configuration keys under <see cref="Section"/>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToConfiguration() =>
    [
        new($"{Section}:{nameof(Host)}", Host),
        new($"{Section}:{nameof(Port)}", Port.ToString(CultureInfo.InvariantCulture)),
        new($"{Section}:{nameof(Token)}", Token),
        new($"{Section}:{nameof(DataFolder)}", DataFolder),
        new($"{Section}:{nameof(MaxUploadBytes)}", MaxUploadBytes.ToString(CultureInfo.InvariantCulture)),
        new($"{Section}:{nameof(ModelStore)}", ModelStore),
        new($"{Section}:{nameof(PartSeconds)}", PartSeconds.ToString("R", CultureInfo.InvariantCulture)),
    ];

    /// <summary>Reads the settings from configuration (command line, environment or test host).</summary>
    public static StudioSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var data = section[nameof(DataFolder)] is { Length: > 0 } d ? d : Path.Combine(Models.ModelStore.DefaultRoot(), "studio");
        return new StudioSettings
        {
            Host = section[nameof(Host)] is { Length: > 0 } h ? h : "127.0.0.1",
            Port = int.TryParse(section[nameof(Port)], CultureInfo.InvariantCulture, out var p) ? p : DefaultPort,
            Token = section[nameof(Token)] is { Length: > 0 } t ? t : null,
            DataFolder = data,
            MaxUploadBytes = long.TryParse(section[nameof(MaxUploadBytes)], CultureInfo.InvariantCulture, out var m) ? m : 2L * 1024 * 1024 * 1024,
            ModelStore = section[nameof(ModelStore)] is { Length: > 0 } s ? s : null,
            PartSeconds = double.TryParse(section[nameof(PartSeconds)], CultureInfo.InvariantCulture, out var part) ? part : DefaultPartSeconds,
        };
    }
}
