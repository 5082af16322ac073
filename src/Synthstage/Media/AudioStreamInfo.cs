namespace Synthstage.Media;

/// <summary>One audio stream of a media file, as reported by ffprobe.</summary>
/// <param name="Index">The stream's index in the container (ffprobe's <c>index</c>, counting all stream types).</param>
/// <param name="Codec">ffmpeg codec name, e.g. <c>aac</c>, <c>opus</c>, <c>pcm_s16le</c>.</param>
/// <param name="SampleRate">Samples per second, e.g. 48000; 0 when unknown.</param>
/// <param name="Channels">Channel count, e.g. 2; 0 when unknown.</param>
public sealed record AudioStreamInfo(int Index, string Codec, int SampleRate, int Channels);
