using System.Globalization;
using Synthstage.Media;

namespace Synthstage.Walks.Pacing;

/// <summary>
/// Percussive energy per video frame of a span of audio: ffmpeg decodes it to mono 22.05 kHz, a spectral-flux onset
/// envelope (1024-sample Hann frames every 256 samples, 11.6 ms) is averaged over each video frame's interval.
/// </summary>
public static class PercussiveEnergy
{
    /// <summary>Analysis sample rate in Hz.</summary>
    public const int SampleRate = 22050;

    private const int FrameSize = 1024;
    private const int HopSize = 256;

    /// <summary>Decodes <paramref name="frames"/>/<paramref name="fps"/> seconds of audio from <paramref name="startSeconds"/> and measures each frame's energy.</summary>
    /// <param name="audioPath">Any file with an audio stream.</param>
    /// <param name="startSeconds">Where the walk's first frame sits in the audio, ≥ 0.</param>
    /// <param name="frames">Video frames.</param>
    /// <param name="fps">Video frames per second.</param>
    /// <param name="padWithSilence">Treat audio missing at the end as silence instead of refusing it.</param>
    /// <param name="ct">Cancels decoding.</param>
    /// <returns>One value ≥ 0 per video frame (0 for silence).</returns>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadInput"/>: the file is missing, has no audio, or
    /// (without <paramref name="padWithSilence"/>) ends before the walk does.</exception>
    public static async Task<float[]> MeasureAsync(string audioPath, double startSeconds, int frames, double fps, bool padWithSilence, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        if (!double.IsFinite(fps) || fps <= 0) throw new ArgumentOutOfRangeException(nameof(fps), fps, "must be positive");
        var seconds = frames / fps;
        var envelope = new List<float>((int)(seconds * SampleRate / HopSize) + 16);
        var onsets = new OnsetEnvelope(FrameSize, HopSize, envelope.Add);
        long samples = 0;
        await using (var reader = await AudioPcmReader.OpenAsync(audioPath, SampleRate, startSeconds, seconds, ct).ConfigureAwait(false))
        {
            var buffer = new float[8192];
            int read;
            while ((read = await reader.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                onsets.Push(buffer.AsSpan(0, read));
                samples += read;
            }
        }
        var needed = seconds * SampleRate;
        // Codecs pad or trim a few milliseconds; half a video frame of slack.
        if (samples < needed - SampleRate / fps / 2)
        {
            if (!padWithSilence)
            {
                var inv = CultureInfo.InvariantCulture;
                var available = samples / (double)SampleRate;
                throw new SynthstageException(
                    $"audio '{audioPath}' is too short: the walk needs {seconds.ToString("0.##", inv)} s from {startSeconds.ToString("0.##", inv)} s but only {available.ToString("0.##", inv)} s are there; " +
                    "use fewer frames, an earlier start, or pad with silence", ExitCodes.BadInput);
            }
            // Silence to the end keeps the envelope's timing; its frames carry no onsets.
            onsets.Push(new float[(int)Math.Ceiling(needed - samples)]);
        }
        onsets.Finish();
        return PerFrame(envelope, frames, fps);
    }

    /// <summary>Averages envelope values (one per hop, centred on k·hop) over each frame's interval [f/fps, (f+1)/fps).</summary>
    internal static float[] PerFrame(IReadOnlyList<float> envelope, int frames, double fps)
    {
        var energy = new float[frames];
        const double secondsPerHop = HopSize / (double)SampleRate;
        for (var f = 0; f < frames; f++)
        {
            var first = (int)Math.Ceiling(f / fps / secondsPerHop);
            var end = (int)Math.Ceiling((f + 1) / fps / secondsPerHop);
            double sum = 0;
            var n = 0;
            for (var k = first; k < end && k < envelope.Count; k++, n++) sum += envelope[k];
            if (n == 0)
            {
                // More video frames per second than envelope values: use the nearest value.
                var nearest = (int)Math.Round((f + 0.5) / fps / secondsPerHop);
                energy[f] = nearest < envelope.Count ? envelope[nearest] : 0f;
            }
            else
            {
                energy[f] = (float)(sum / n);
            }
        }
        return energy;
    }
}
