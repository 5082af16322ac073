using Synthstage.Media;

namespace Synthstage.Sharding;

/// <summary>The container shards are written in: the one the encoder settings name, MP4 by default.</summary>
internal static class ShardVideoFormat
{
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: a format that cannot be joined by stream copy.</exception>
    public static string Extension(EncoderSettings encoder) => encoder.Format switch
    {
        null or OutputFormat.Mp4 => ".mp4",
        OutputFormat.WebM => ".webm",
        OutputFormat.ProRes => ".mov",
        var other => throw new SynthstageException($"a sharded render writes video parts (mp4, webm or prores); --format {other.ToString()!.ToLowerInvariant()} cannot be joined", ExitCodes.Usage),
    };
}
