namespace Synthstage.Studio;

/// <summary>An uploaded audio file that can pace a walk.</summary>
/// <param name="Path">Relative to the data folder: the audio's id in a <see cref="WalkRequest"/>.</param>
/// <param name="Name">The uploaded file's name.</param>
/// <param name="Codec">The first audio stream's codec.</param>
/// <param name="SampleRate">Its sample rate in Hz.</param>
/// <param name="Channels">Its channel count.</param>
public sealed record StudioAudio(string Path, string Name, string Codec, int SampleRate, int Channels);
