using Synthstage.Compositing;
using Synthstage.Imaging;

namespace Synthstage.Tests.Imaging;

public class GuidedFilterTests
{
    [Fact]
    public void BoxFilterMatchesABruteForceWindowMeanWithBordersCut()
    {
        const int w = 13, h = 7, r = 2;
        var random = new Random(5);
        var source = Enumerable.Range(0, w * h).Select(_ => random.NextSingle()).ToArray();
        var result = new float[w * h];
        new BoxFilter(w, h, r).Apply(source, result);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                double sum = 0;
                var count = 0;
                for (var yy = Math.Max(0, y - r); yy <= Math.Min(h - 1, y + r); yy++)
                    for (var xx = Math.Max(0, x - r); xx <= Math.Min(w - 1, x + r); xx++)
                    {
                        sum += source[yy * w + xx];
                        count++;
                    }
                Assert.Equal(sum / count, result[y * w + x], 1e-5);
            }
    }

    [Fact]
    public void AFlatMaskStaysFlatWhateverTheImage()
    {
        const int w = 160, h = 90;
        var frame = new byte[w * h * 3];
        new Random(1).NextBytes(frame);
        var mask = Enumerable.Repeat(0.7f, 32 * 18).ToArray();
        var output = new float[w * h];
        new FastGuidedFilter(32, 18, w, h, radius: 8, epsilon: 1e-3f, subsample: 4).Filter(frame, mask, output);
        Assert.All(output, v => Assert.Equal(0.7f, v, 1e-4f));
    }

    // Subject on the left third of a noisy (grass-like) frame: the output keeps the texture out of the background.
    // Without confinement ā, averaged over windows that straddle the edge, reaches two radii into the background
    // and prints the noise there as a faint fringe; with it, every cell whose window of the mask is all background is 0.
    [Fact]
    public void TextureBesideTheSubjectDoesNotLeakIntoTheBackground()
    {
        const int w = 160, h = 90, mw = 32, mh = 18, subsample = 5, radius = 10;
        var frame = new byte[w * h * 3];
        new Random(3).NextBytes(frame);
        var mask = new float[mw * mh];
        for (var y = 0; y < mh; y++)
            for (var x = 0; x < mw; x++)
                mask[y * mw + x] = Math.Clamp((10.5f - x) / 2f + 0.5f, 0, 1); // soft edge around mask x 10.5 (frame x 52)
        var output = new float[w * h];
        new FastGuidedFilter(mw, mh, w, h, radius, 1e-3f, subsample).Filter(frame, mask, output);
        // Mask zero from mask x 12 on (frame x 60); the box window spans 2 grid cells, and bilinear widening one more.
        const int firstBackground = 60 + (2 + 1) * subsample;
        const int lastSubject = 50 - (2 + 1) * subsample;
        for (var y = 0; y < h; y++)
        {
            for (var x = firstBackground; x < w; x++) Assert.Equal(0f, output[y * w + x]);
            for (var x = 0; x <= lastSubject; x++) Assert.Equal(1f, output[y * w + x], 1e-6f);
        }
        // Near the edge the filter still follows the image.
        Assert.Contains(output.Where((_, i) => i % w is > 40 and < 60), v => v is > 0.05f and < 0.95f);
    }

    // A frame split by a sharp colour edge at x = 83 and a low-resolution mask whose soft step is near it: the guided
    // filter puts the matte's edge on the image's edge, where bilinear enlargement leaves a ramp 15 pixels wide.
    [Fact]
    public void TheMatteSnapsToTheImagesEdge()
    {
        const int w = 160, h = 90, mw = 32, mh = 18, edge = 83;
        var frame = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var i = (y * w + x) * 3;
                (frame[i], frame[i + 1], frame[i + 2]) = x < edge ? ((byte)200, (byte)60, (byte)40) : ((byte)30, (byte)90, (byte)210);
            }
        var mask = new float[mw * mh];
        for (var y = 0; y < mh; y++)
            for (var x = 0; x < mw; x++)
                mask[y * mw + x] = Math.Clamp((16.5f - x) / 3f + 0.5f, 0, 1); // subject on the left, soft edge near x = 16.5 · 5 = 82
        var guided = new float[w * h];
        new FastGuidedFilter(mw, mh, w, h, radius: 8, epsilon: 1e-4f, subsample: 4).Filter(frame, mask, guided);
        var bilinear = new byte[w * h];
        new BilinearMatteEnlarger(mw, mh, w, h).Enlarge(frame, mask, bilinear);

        var row = 45 * w;
        // The 0.5 crossing sits on the image's edge, as one step of most of the range.
        Assert.True(guided[row + edge - 1] > 0.85f && guided[row + edge] < 0.3f, $"guided {guided[row + edge - 1]} → {guided[row + edge]} at the edge");
        var largestBilinearStep = Enumerable.Range(1, w - 1).Max(x => Math.Abs(bilinear[row + x] - bilinear[row + x - 1]) / 255f);
        Assert.True(largestBilinearStep < 0.1f, $"bilinear step {largestBilinearStep}");
        // Away from the edge the filter keeps the mask's values.
        Assert.Equal(1f, guided[row + 10], 0.02f);
        Assert.Equal(0f, guided[row + w - 10], 0.02f);
    }

    // A textured frame beside a wide soft mask edge: the filter passes the texture on at low levels well outside the
    // subject. Clip black and white cut those to 0 and 1 and stretch the rest, keeping the half-opaque outline.
    [Fact]
    public void ClipLevelsCutTheFaintTextureAndKeepTheOutline()
    {
        const int w = 320, h = 180, mw = 64, mh = 36;
        var frame = new byte[w * h * 3];
        new Random(5).NextBytes(frame);
        var mask = new float[mw * mh];
        for (var y = 0; y < mh; y++)
            for (var x = 0; x < mw; x++)
                mask[y * mw + x] = Math.Clamp((30.5f - x) / 8f + 0.5f, 0, 1);
        var unclipped = new byte[w * h];
        var clipped = new byte[w * h];
        var off = new MatteOptions { Feather = 0, ClipBlack = 0, ClipWhite = 1 };
        using (var enlarger = new GuidedMatteEnlarger(off, mw, mh, w, h)) enlarger.Enlarge(frame, mask, unclipped);
        using (var enlarger = new GuidedMatteEnlarger(off with { ClipBlack = 0.05f, ClipWhite = 0.95f }, mw, mh, w, h)) enlarger.Enlarge(frame, mask, clipped);

        var faint = unclipped.Count(v => v is > 0 and < 12 or > 243 and < 255);
        Assert.True(faint > w * h / 50, $"only {faint} faint pixels without clipping: the test frame does not leak texture");
        Assert.Equal(0, Enumerable.Range(0, w * h).Count(i => unclipped[i] is > 0 and < 12 && clipped[i] != 0));
        Assert.Equal(0, Enumerable.Range(0, w * h).Count(i => unclipped[i] is > 243 and < 255 && clipped[i] != 255));
        for (var i = 0; i < w * h; i++)
        {
            var stretched = Math.Clamp((unclipped[i] / 255f - 0.05f) / 0.9f, 0, 1) * 255;
            Assert.InRange(clipped[i], stretched - 1.01f, stretched + 1.01f);
            if (Math.Abs(unclipped[i] - 127.5f) > 1) Assert.Equal(unclipped[i] >= 128, clipped[i] >= 128);
        }
    }

    [Fact]
    public void GuidedEnlargementAllocatesNothingPerFrame()
    {
        const int w = 320, h = 180;
        var frame = new byte[w * h * 3];
        new Random(2).NextBytes(frame);
        var mask = Enumerable.Range(0, 64 * 36).Select(i => i % 64 < 30 ? 1f : 0f).ToArray();
        var alpha = new byte[w * h];
        using var enlarger = new GuidedMatteEnlarger(new MatteOptions(), 64, 36, w, h);
        enlarger.Enlarge(frame, mask, alpha);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 3; i++) enlarger.Enlarge(frame, mask, alpha);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    // The guided path feathers only the columns where the filter's output varies; that must equal feathering everything.
    [Fact]
    public void FeatheringOnlyWhereTheFilterOutputVariesEqualsFeatheringEverything()
    {
        const int w = 320, h = 180, mw = 64, mh = 36;
        var frame = new byte[w * h * 3];
        new Random(4).NextBytes(frame);
        for (var i = 0; i < frame.Length; i += 7) frame[i] = 128; // some flat structure as well as noise
        var mask = new float[mw * mh];
        for (var y = 0; y < mh; y++)
            for (var x = 0; x < mw; x++)
                mask[y * mw + x] = Math.Clamp((12f - MathF.Sqrt((x - 30f) * (x - 30f) + (y - 18f) * (y - 18f))) / 4f + 0.5f, 0, 1);
        var filter = new FastGuidedFilter(mw, mh, w, h, radius: 12, epsilon: 1e-3f, subsample: 5);
        var plane = new float[w * h];
        filter.Filter(frame, mask, plane);
        Assert.Contains(Enumerable.Range(0, h).ToArray(), y => filter.ChangingTo[y] > filter.ChangingFrom[y]);
        Assert.Contains(Enumerable.Range(0, h).ToArray(), y => filter.ChangingTo[y] - filter.ChangingFrom[y] < w / 2);
        var copy = (float[])plane.Clone();
        var everywhere = new byte[w * h];
        var restricted = new byte[w * h];
        var feather = new GaussianFeather(w, h, 2f);
        feather.Apply(copy, everywhere);
        feather.Apply(plane, restricted, filter.ChangingFrom, filter.ChangingTo);
        var worst = Enumerable.Range(0, w * h).Max(i => Math.Abs(everywhere[i] - restricted[i]));
        Assert.True(worst <= 1, $"largest difference {worst}");
    }

    [Fact]
    public void FeatherKeepsAConstantAndSoftensAStepSymmetrically()
    {
        const int w = 40, h = 3;
        var plane = new float[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++) plane[y * w + x] = x < 20 ? 1f : 0f;
        var alpha = new byte[w * h];
        new GaussianFeather(w, h, 2f).Apply(plane, alpha);
        Assert.Equal(255, alpha[0]);
        Assert.Equal(0, alpha[w - 1]);
        Assert.InRange(alpha[19] + alpha[20], 254, 256); // symmetric about the step
        Assert.InRange(alpha[20], 60, 127);
        Assert.Equal(alpha[w + 20], alpha[20]); // columns are constant, so the vertical pass changes nothing
    }
}
