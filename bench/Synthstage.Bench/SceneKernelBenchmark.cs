using System.Diagnostics;
using Synthstage.Compositing;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Imaging;
using Synthstage.Scenes;

namespace Synthstage.Bench;

/// <summary>Per-frame cost at 1280×720 of the scene pieces: still, pan and zoom plates, and the blend with and without a look.</summary>
internal static class SceneKernelBenchmark
{
    private const int Width = 1280;
    private const int Height = 720;
    private const int MaskWidth = 256;
    private const int MaskHeight = 144;

    public static int Run()
    {
        var random = new Random(1);
        var image = new byte[368 * 176 * 3];
        random.NextBytes(image);
        var scene = new RgbImage(368, 176, image);
        var frame = new byte[Width * Height * 3];
        random.NextBytes(frame);
        var plate = new byte[frame.Length];
        // A person-sized ellipse as the matte, soft at the edge.
        var mask = new float[MaskWidth * MaskHeight];
        for (var y = 0; y < MaskHeight; y++)
            for (var x = 0; x < MaskWidth; x++)
            {
                double dx = (x - 128) / 40.0, dy = (y - 80) / 60.0;
                mask[y * MaskWidth + x] = (float)Math.Clamp((1 - Math.Sqrt(dx * dx + dy * dy)) * 6, 0, 1);
            }
        var alpha = new byte[Width * Height];
        using (var upsampler = new MaskUpsampler(MaskWidth, MaskHeight, Width, Height)) upsampler.Upsample(mask, alpha);
        var output = new byte[frame.Length];

        Console.WriteLine($"per frame at {Width}×{Height}, median of 41 (ms):");
        foreach (var motion in new[] { PlateMotion.Still, new PlateMotion(BackgroundMotion.Pan), new PlateMotion(BackgroundMotion.Zoom) })
        {
            using var background = PlateBackground.Create(scene, motion, Width, Height, 41);
            var i = 0;
            Print($"plate {motion.Kind.ToString().ToLowerInvariant()}", () => background.Render(i++ % 41, frame, plate));
        }
        Print("blend 8-bit (look off)", () => AlphaBlend.BlendRgb(frame, plate, alpha, output));
        var linear = new LinearLightBlend(Width);
        Print("blend linear light", () => linear.BlendRgb(frame, plate, alpha, output));
        foreach (var look in new[] { new CompositeLook { Harmonize = 0.5f }, new CompositeLook { LightWrap = 0.5f }, new CompositeLook { Harmonize = 0.5f, LightWrap = 0.5f } })
        {
            using var processor = new CompositeLookProcessor(look, Width, Height, MaskWidth, MaskHeight);
            processor.MeasurePlate(plate);
            var work = (byte[])frame.Clone();
            Print($"look harmonize {look.Harmonize} light-wrap {look.LightWrap}", () =>
            {
                frame.CopyTo(work, 0);
                processor.Blend(work, plate, alpha, mask, output);
            });
        }
        return 0;
    }

    private static void Print(string name, Action action)
    {
        for (var i = 0; i < 5; i++) action();
        var times = new double[41];
        for (var i = 0; i < times.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"  {name,-40} {times[times.Length / 2],8:F2}");
    }
}
