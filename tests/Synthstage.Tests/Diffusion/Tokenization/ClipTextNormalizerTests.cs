using Synthstage.Diffusion.Tokenization;

namespace Synthstage.Tests.Diffusion.Tokenization;

/// <summary>CLIP's text cleanup: NFC, HTML unescape twice, whitespace collapse, strip, lowercase like Python's str.lower.</summary>
public sealed class ClipTextNormalizerTests
{
    [Theory]
    [InlineData("  A  Photo\tof\n\nA Cat  ", "a photo of a cat")]
    [InlineData("", "")]
    [InlineData(" \t\r\n ", "")]
    [InlineData("salt &amp;amp; pepper &lt;3", "salt & pepper <3")]
    [InlineData("a&nbsp;&nbsp;b", "a b")]
    [InlineData("x\u001Cy", "x y")]
    [InlineData("ΟΔΟΣ ΣΑΣ", "οδος σας")]
    [InlineData("ΟΔΟΣᔾ", "οδος\u153E")] // ᔾ is a letter but not cased, so the sigma is final
    [InlineData("ΣΑ", "σα")]
    [InlineData("\u0130stanbul", "i\u0307stanbul")]
    public void CleansLikeCLIP(string input, string expected) => Assert.Equal(expected, new ClipTextNormalizer().Normalize(input));
}
