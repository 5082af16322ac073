namespace Synthstage.Video;

/// <summary>What <c>matte</c> writes.</summary>
public enum MatteOutputKind
{
    /// <summary>Alpha when the output format carries alpha (WebM, MOV, PNG), otherwise a mask.</summary>
    Auto,
    /// <summary>The frame with the matte as its alpha channel.</summary>
    Alpha,
    /// <summary>The matte as a grey picture (white = subject).</summary>
    Mask,
}
