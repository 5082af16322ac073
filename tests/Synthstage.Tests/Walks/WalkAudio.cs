namespace Synthstage.Tests.Walks;

/// <summary>Test audio written as 16-bit PCM WAV files: quiet noise with loud short clicks.</summary>
internal static class WalkAudio
{
    /// <summary>Writes a click track: seeded noise at −40 dB, and a 4 ms burst at 0.8 at every time in <paramref name="clicks"/>.</summary>
    public static void WriteClickTrack(string path, double seconds, IEnumerable<double> clicks, int sampleRate = 44100)
    {
        var samples = new short[(int)(seconds * sampleRate)];
        var random = new Random(11);
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)((random.NextDouble() - 0.5) * 0.02 * short.MaxValue);
        foreach (var click in clicks)
        {
            var start = (int)(click * sampleRate);
            for (var i = start; i < Math.Min(samples.Length, start + sampleRate * 4 / 1000); i++)
                samples[i] = (short)((random.NextDouble() - 0.5) * 1.6 * short.MaxValue);
        }
        using var file = new BinaryWriter(File.Create(path));
        file.Write("RIFF"u8);
        file.Write(36 + samples.Length * 2);
        file.Write("WAVEfmt "u8);
        file.Write(16);
        file.Write((short)1);
        file.Write((short)1);
        file.Write(sampleRate);
        file.Write(sampleRate * 2);
        file.Write((short)2);
        file.Write((short)16);
        file.Write("data"u8);
        file.Write(samples.Length * 2);
        foreach (var s in samples) file.Write(s);
    }
}
