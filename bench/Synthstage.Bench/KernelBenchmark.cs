using System.Diagnostics;
using Synthstage.Compositing;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Segmentation;
using Synthstage.Selection;

namespace Synthstage.Bench;

/// <summary>
/// Per-frame cost of each stage of the keying pipeline at 1280×720, measured in-process on a synthetic frame:
/// model-input resize, network, matte shaping, matte upsampling and blending, and the selection's limit on another
/// person's reach. Prints median milliseconds.
/// </summary>
internal static class KernelBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        const int width = 1280, height = 720, iterations = 60;
        var frame = new byte[width * height * 3];
        new Random(1).NextBytes(frame);
        var plate = new byte[frame.Length];
        var output = new byte[frame.Length];
        var alphaPlane = new byte[width * height];
        var store = args.Length > 0 ? new ModelStore(args[0]) : ModelStore.Default;
        Console.WriteLine($"{"stage (1280×720)",-36} {"median ms",10}");
        foreach (var variant in new[] { "general", "landscape" })
        {
            using var segmenter = await SegmentationModelResolver.CreateAsync(variant, width, height, store, new(), null, CancellationToken.None);
            var mask = new float[segmenter.MaskWidth * segmenter.MaskHeight];
            var input = new float[mask.Length * 3];
            var resizer = new ModelInputResizer(width, height, 3, segmenter.MaskWidth, segmenter.MaskHeight);
            Print($"resize to {variant} input", () => resizer.Resize(frame, input, channelsFirst: false));
            Print($"segment {variant} (resize + ORT, 1 thread)", () => segmenter.Segment(frame, width, height, 3, mask));
            using var shaper = new MatteShaper(new MatteOptions(), segmenter.MaskWidth, segmenter.MaskHeight, width, height);
            Print($"shape matte {variant}", () => shaper.Apply(mask));
            using var up = new MaskUpsampler(segmenter.MaskWidth, segmenter.MaskHeight, width, height);
            Print($"upsample matte {variant}", () => up.Upsample(mask, alphaPlane));
        }
        new Random(2).NextBytes(alphaPlane);
        Print("alpha blend (per-pixel alpha)", () => AlphaBlend.BlendRgb(frame, plate, alphaPlane, output));
        using var blur = new BlurredFrameBackground(width, height);
        Print("blurred-frame background", () => blur.Render(frame, plate));
        TimeOtherPersonReach();
        return 0;

        // With --subject and someone else in view, once per other person per frame at the selfie models' mask size: a
        // body walking right over a subject who owns the right half, its hips moving a pixel a frame.
        static void TimeOtherPersonReach()
        {
            const int w = 256, h = 144;
            var reach = new OtherPersonReach();
            var owners = new byte[w * h];
            for (var i = 0; i < owners.Length; i++) owners[i] = i % w > w / 2 ? GeodesicSplit.Subject : GeodesicSplit.None;
            var body = new float[w * h];
            var frameIndex = 0;
            Print("other person's reach (256×144)", () =>
            {
                var shift = frameIndex % 20;
                for (var i = 0; i < body.Length; i++) body[i] = i % w > 60 + shift && i % w < 140 + shift ? 0.9f : 0f;
                reach.Limit(1, 100 + frameIndex, 50, frameIndex, body, owners, w, h, 640, 360);
                frameIndex++;
            });
        }

        static void Print(string name, Action action)
        {
            for (var i = 0; i < 5; i++) action();
            var times = new double[iterations];
            for (var i = 0; i < iterations; i++)
            {
                var t = Stopwatch.GetTimestamp();
                action();
                times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
            Array.Sort(times);
            Console.WriteLine($"{name,-36} {times[iterations / 2],10:F2}");
        }
    }
}
