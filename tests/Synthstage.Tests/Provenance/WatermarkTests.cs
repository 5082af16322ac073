using Synthstage.Imaging;
using Synthstage.Provenance.Evaluation;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Tests.Provenance;

public sealed class WatermarkTests
{
    private const uint Payload = 0xA5C3_1F07;

    private static WatermarkDetection DetectIn(Synthstage.Imaging.RgbImage image, WatermarkKey? key = null)
    {
        var detector = new WatermarkDetector();
        detector.AddFrame(image.Pixels, image.Width, image.Height);
        return detector.Detect(key);
    }

    private static Synthstage.Imaging.RgbImage Marked(int width, int height, int seed, uint payload = Payload)
    {
        var image = TestImages.Scene(width, height, seed);
        WatermarkEmbedder.Create(payload, width, height).Embed(image.Pixels);
        return image;
    }

    [Fact]
    public void MarkIsFoundWithItsPayloadAndPsnrIsAbove40Db()
    {
        var original = TestImages.Scene(640, 384, 1);
        var marked = TestImages.Clone(original);
        WatermarkEmbedder.Create(Payload, 640, 384).Embed(marked.Pixels);

        Assert.True(TestImages.Psnr(original.Pixels, marked.Pixels) >= 40, $"PSNR {TestImages.Psnr(original.Pixels, marked.Pixels):F2} dB");
        var found = DetectIn(marked);
        Assert.True(found.Found, $"sync {found.SyncScore:F1}");
        Assert.Equal(Payload, found.Payload);
        Assert.Equal("a5c31f07", found.PayloadHex);
        Assert.True(found.Confidence > 0.999, $"confidence {found.Confidence}");
        Assert.Equal(1.0, found.Scale);
        Assert.Equal((0, 0), (found.OffsetX, found.OffsetY));
    }

    [Fact]
    public void ACropIsFoundAsAShiftOfTheTileGrid()
    {
        var marked = Marked(640, 384, 2);
        var cropped = WatermarkEvaluation.Crop(marked, 37, 91, 512, 256);
        var found = DetectIn(cropped);
        Assert.True(found.Found, $"sync {found.SyncScore:F1}");
        Assert.Equal(Payload, found.Payload);
        Assert.Equal((37, 91), (found.OffsetX, found.OffsetY));
    }

    [Fact]
    public void HalfSizeAndJpegQuality75AreSurvived()
    {
        var marked = Marked(768, 512, 3);
        var half = DetectIn(marked.Resize(384, 256));
        Assert.True(half.Found && half.Payload == Payload, $"half size: sync {half.SyncScore:F1}");
        Assert.Equal(0.5, half.Scale);
        var jpeg = DetectIn(WatermarkEvaluation.JpegRoundTrip(marked, 75));
        Assert.True(jpeg.Found && jpeg.Payload == Payload, $"JPEG q75: sync {jpeg.SyncScore:F1}");
    }

    [Fact]
    public void UnmarkedImagesGiveNoDetectionsOverManyKeys()
    {
        var trials = 0;
        for (var seed = 10; seed < 14; seed++)
        {
            var detector = new WatermarkDetector();
            var image = TestImages.Scene(512, 384, seed);
            detector.AddFrame(image.Pixels, image.Width, image.Height);
            for (ulong k = 0; k < 100; k++, trials++)
            {
                var result = detector.Detect(new WatermarkKey(1000 + k));
                Assert.False(result.Found, $"false positive with key {1000 + k} on scene {seed}: payload {result.PayloadHex}");
                Assert.Equal(0, result.Confidence);
            }
        }
        Assert.Equal(400, trials);
    }

    [Fact]
    public void AnotherKeyDoesNotReadTheMark()
    {
        var marked = Marked(512, 384, 4);
        Assert.False(DetectIn(marked, new WatermarkKey(12345)).Found);
        Assert.True(DetectIn(marked).Found);
    }

    [Fact]
    public void EvidenceAccumulatesOverFramesOfASegment()
    {
        // At a third of the default strength one frame is not enough; twelve different frames are.
        var detector = new WatermarkDetector([1.0]);
        for (var i = 0; i < 12; i++)
        {
            var frame = TestImages.Scene(384, 256, 100 + i);
            WatermarkEmbedder.Create(Payload, 384, 256, strength: 0.5).Embed(frame.Pixels);
            detector.AddFrame(frame.Pixels, 384, 256);
            if (i == 0) Assert.False(detector.Detect().Found, "a single weak frame should not decode");
        }
        var result = detector.Detect();
        Assert.True(result.Found && result.Payload == Payload, $"sync {result.SyncScore:F1}");
        Assert.Equal(12, result.Frames);
    }

    [Fact]
    public void RgbaFramesKeepTheirAlpha()
    {
        var rgba = new byte[256 * 128 * 4];
        for (var i = 0; i < rgba.Length; i++) rgba[i] = (byte)(i % 4 == 3 ? 77 : 128);
        WatermarkEmbedder.Create(Payload, 256, 128, bytesPerPixel: 4).Embed(rgba);
        for (var i = 3; i < rgba.Length; i += 4) Assert.Equal(77, rgba[i]);
        Assert.Contains(rgba.Where((_, i) => i % 4 == 0), v => v != 128);
        var detector = new WatermarkDetector();
        detector.AddFrame(rgba, 256, 128, 4);
        Assert.Equal(Payload, detector.Detect().Payload);
    }

    [Fact]
    public void ModulatedAddMatchesAScalarReferenceIncludingTheClamp()
    {
        var random = new Random(5);
        const int length = 1000;
        var pixels = new byte[length];
        random.NextBytes(pixels);
        var tile = Enumerable.Range(0, length).Select(_ => (short)random.Next(-2600, 2600)).ToArray();
        var s0 = Enumerable.Range(0, length).Select(_ => (short)random.Next(0, 257)).ToArray();
        var s1 = Enumerable.Range(0, length).Select(_ => (short)random.Next(0, 257)).ToArray();
        (pixels[0], tile[0], s0[0], s1[0]) = (250, 2600, 256, 256);
        (pixels[1], tile[1], s0[1], s1[1]) = (3, -2600, 256, 256);
        const short weight = 12345;
        var expected = pixels.Select((p, i) =>
        {
            // s0 + (s1 − s0)·w in 1/64 level, times the tile in 1/512: whole levels, rounded half up.
            var strength = s0[i] + Math.Floor((s1[i] - s0[i]) * weight / 32768.0 + 0.5);
            return (byte)Math.Clamp(p + Math.Floor(strength * tile[i] / 32768.0 + 0.5), 0, 255);
        }).ToArray();
        WatermarkEmbedder.AddModulated(pixels, tile, s0, s1, weight);
        Assert.Equal(expected, pixels);
        Assert.Equal(255, pixels[0]);
        Assert.Equal(0, pixels[1]);
    }

    [Fact]
    public void EmbeddingAllocatesNothingPerFrame()
    {
        var embedder = WatermarkEmbedder.Create(Payload, 1280, 720);
        var frame = new byte[embedder.FrameBytes];
        embedder.Embed(frame);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) embedder.Embed(frame);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WatermarkEmbedder.Create(1, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => WatermarkEmbedder.Create(1, 10, 10, bytesPerPixel: 2));
        Assert.Throws<ArgumentException>(() => WatermarkEmbedder.Create(1, 10, 10).Embed(new byte[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WatermarkDetector([]));
    }
}
