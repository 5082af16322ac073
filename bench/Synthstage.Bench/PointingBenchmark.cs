using System.Diagnostics;
using System.Globalization;
using Synthstage.Media;
using Synthstage.Selection;
using Synthstage.Video;
using static Synthstage.Bench.BenchTools;

namespace Synthstage.Bench;

/// <summary>
/// What pointing at the subject costs per frame: the matte stages of a render (segment → selection → smoothing →
/// shaping → guided enlargement to the frame) over the same consecutive 720p frames, without points and with
/// <c>--subject</c> (and <c>--exclude</c>), for each model named; interleaved frame by frame so load from
/// elsewhere hits all alike; median milliseconds per frame and the ratio.
/// </summary>
internal static class PointingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clip = Option(args, "--clip") ?? Path.Combine(RepositoryRoot(), "..", "shared", "data", "footage", "coffee.mp4");
        if (!File.Exists(clip))
        {
            Console.Error.WriteLine($"clip '{clip}' not found; pass --clip FILE");
            return 2;
        }
        var frameCount = int.Parse(Option(args, "--frames") ?? "60", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        var models = (Option(args, "--models") ?? "general,person").Split(',');
        // coffee.mp4 at 1280×720: the shirt, and the table in front of it.
        var subject = SubjectPoint.Parse(Option(args, "--subject") ?? "640,200@0", SubjectPointKind.Subject);
        var exclude = SubjectPoint.Parse(Option(args, "--exclude") ?? "200,660@0", SubjectPointKind.Exclude);
        var info = await MediaProbe.ProbeAsync(clip);
        var frames = new List<byte[]>();
        await using (var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24))
            for (var i = 0; i < frameCount; i++)
            {
                var frame = new byte[reader.FrameSizeBytes];
                if (!await reader.ReadFrameAsync(frame)) break;
                frames.Add(frame);
            }
        var (width, height) = (info.Width, info.Height);
        Console.WriteLine($"{Path.GetFileName(clip)} {width}×{height}, {frames.Count} consecutive frames × {rounds} rounds (after one warm-up), interleaved; --subject {subject} --exclude {exclude}");
        Console.WriteLine($"{"model",-10} {"plain ms",9} {"--subject",10} {"ratio",6} {"+exclude",9} {"ratio",6}");
        foreach (var model in models)
        {
            var plainOptions = new KeyingOptions { Model = model };
            SubjectSelection[] selections = [new(), new() { Points = [subject] }, new() { Points = [subject, exclude] }];
            var stages = new List<MatteStages>();
            try
            {
                foreach (var selection in selections)
                    stages.Add(await MatteStages.CreateAsync(plainOptions with { Selection = selection }, width, height, null, CancellationToken.None));
                var times = selections.Select(_ => new List<double>()).ToArray();
                var mask = new float[stages[0].MaskWidth * stages[0].MaskHeight];
                var alpha = new byte[width * height];
                for (var round = 0; round <= rounds; round++)
                {
                    foreach (var stage in stages) stage.Reset();
                    // Frame by frame, every variant in turn (the order alternating), so a burst of load from other
                    // processes lands on all of them alike.
                    for (var f = 0; f < frames.Count; f++)
                        for (var k = 0; k < stages.Count; k++)
                        {
                            var s = (round + f) % 2 == 0 ? k : stages.Count - 1 - k;
                            var t = Stopwatch.GetTimestamp();
                            stages[s].SegmentAndShape(frames[f], mask, f);
                            stages[s].Enlarge(frames[f], mask, alpha);
                            if (round > 0) times[s].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                        }
                }
                var (plain, pointed, excluded) = (Median(times[0]), Median(times[1]), Median(times[2]));
                Console.WriteLine($"{model,-10} {plain,9:F2} {pointed,10:F2} {pointed / plain,6:F2} {excluded,9:F2} {excluded / plain,6:F2}");
            }
            finally
            {
                foreach (var s in stages) s.Dispose();
            }
        }
        return 0;
    }
}
