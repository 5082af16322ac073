using Synthstage.Numerics;

namespace Synthstage.Walks.Pacing;

/// <summary>
/// A streaming spectral-flux onset envelope: Hann-windowed frames of <see cref="FrameSize"/> samples every
/// <see cref="HopSize"/> samples, log-compressed magnitudes log(1 + |X|), and for each frame the sum over bins
/// of the positive change from the previous frame. Percussive hits (broadband, sudden) give large values; steady
/// tones give almost none.
/// </summary>
/// <remarks>
/// Frames are centred: value k describes the audio around sample k·hop (the stream is preceded by
/// FrameSize/2 zeros, as librosa's <c>center=True</c>). Feed samples with <see cref="Push"/>; nothing grows with
/// the stream's length except what the callback keeps.
/// </remarks>
internal sealed class OnsetEnvelope
{
    private readonly FourierTransform<float> _fft;
    private readonly float[] _window;
    private readonly float[] _ring;
    private readonly float[] _real;
    private readonly float[] _imaginary;
    private readonly float[] _previous;
    private readonly Action<float> _emit;
    private int _filled;
    private int _sinceHop;
    private bool _hasPrevious;

    /// <param name="frameSize">Samples per analysis frame (a power of two).</param>
    /// <param name="hopSize">Samples between frames.</param>
    /// <param name="emit">Receives each envelope value in order.</param>
    public OnsetEnvelope(int frameSize, int hopSize, Action<float> emit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hopSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hopSize, frameSize);
        _fft = new FourierTransform<float>(frameSize);
        _emit = emit;
        FrameSize = frameSize;
        HopSize = hopSize;
        _window = new float[frameSize];
        for (var n = 0; n < frameSize; n++) _window[n] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * n / frameSize));
        _ring = new float[frameSize];
        _real = new float[frameSize];
        _imaginary = new float[frameSize];
        _previous = new float[frameSize / 2 + 1];
        // Centre the first frame on sample 0.
        _filled = frameSize / 2;
        _sinceHop = hopSize;
    }

    /// <summary>Samples per analysis frame.</summary>
    public int FrameSize { get; }

    /// <summary>Samples between envelope values.</summary>
    public int HopSize { get; }

    /// <summary>Adds samples; emits a value for every frame that becomes complete.</summary>
    public void Push(ReadOnlySpan<float> samples)
    {
        foreach (var sample in samples)
        {
            _ring[_filled % FrameSize] = sample;
            _filled++;
            if (_filled >= FrameSize && ++_sinceHop >= HopSize)
            {
                _sinceHop = 0;
                Analyse();
            }
        }
    }

    /// <summary>Pads the end with FrameSize/2 zeros so the last samples get centred frames too.</summary>
    public void Finish() => Push(new float[FrameSize / 2]);

    private void Analyse()
    {
        // The ring's oldest sample sits at _filled % FrameSize.
        var oldest = _filled % FrameSize;
        for (var n = 0; n < FrameSize; n++)
        {
            _real[n] = _ring[(oldest + n) % FrameSize] * _window[n];
            _imaginary[n] = 0;
        }
        _fft.Forward(_real, _imaginary);
        var flux = 0f;
        for (var k = 0; k < _previous.Length; k++)
        {
            var magnitude = MathF.Log(1 + MathF.Sqrt(_real[k] * _real[k] + _imaginary[k] * _imaginary[k]));
            if (_hasPrevious) flux += Math.Max(0, magnitude - _previous[k]);
            _previous[k] = magnitude;
        }
        _hasPrevious = true;
        _emit(flux);
    }
}
