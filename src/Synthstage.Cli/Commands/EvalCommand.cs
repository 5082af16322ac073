using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Compositing;
using Synthstage.Evaluation;
using Synthstage.Pose;
using Synthstage.Video;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage eval …</c>: measured quality. <c>eval matte</c> scores mattes against ground truth.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Measure quality: mattes against ground truth, the watermark against attacks, super-resolution against Lanczos");
        command.Subcommands.Add(CreateMatte());
        command.Subcommands.Add(EvalWatermarkCommand.Create());
        command.Subcommands.Add(EvalUpscaleCommand.Create());
        return command;
    }

    private static Command CreateMatte()
    {
        var images = new Option<string?>("--images") { Description = "Folder of images to key" };
        var masks = new Option<string?>("--masks") { Description = "Folder of ground-truth masks named like the images (grey, or alpha channel)" };
        var video = new Option<string?>("--video") { Description = "A video to key frame by frame (flicker; with --alpha also accuracy, MAD and dtSSD)" };
        var alpha = new Option<string?>("--alpha") { Description = "Ground-truth alpha video for --video: a grey mask video or a video with alpha" };
        var model = CommonOptions.Model();
        var threshold = CommonOptions.Threshold();
        var softness = CommonOptions.Softness();
        var feather = CommonOptions.Feather();
        var smoothing = CommonOptions.Smoothing();
        var lookAhead = CommonOptions.LookAhead();
        var refine = CommonOptions.Refine();
        var clipBlack = CommonOptions.ClipBlack();
        var clipWhite = CommonOptions.ClipWhite();
        var cropSmoothing = CommonOptions.CropSmoothing();
        var heatmapRefinement = CommonOptions.HeatmapRefinement();
        var radius = new Option<int>("--refine-radius") { Description = "Guided filter window radius in frame pixels", DefaultValueFactory = _ => new MatteOptions().RefineRadius };
        var epsilon = new Option<float>("--refine-eps") { Description = "Guided filter regularisation (larger trusts the mask more)", DefaultValueFactory = _ => new MatteOptions().RefineEpsilon };
        var tolerance = new Option<float?>("--boundary-tolerance") { Description = "Boundary F tolerance in pixels (default: DAVIS, 0.008 of the diagonal)" };
        var band = new Option<float>("--edge-band") { Description = "Pixels near either frame's matte edge left out of the flicker score", DefaultValueFactory = _ => 16f };
        var device = CommonOptions.Device();
        var command = new Command("matte", "Score mattes: mean IoU, soft IoU, boundary F-measure and speed (images + masks), or flicker, MAD and dtSSD (video + alpha)")
        {
            images, masks, video, alpha, model, threshold, softness, feather, smoothing, lookAhead, refine, radius, epsilon, tolerance, band, device,
            cropSmoothing, heatmapRefinement, clipBlack, clipWhite,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = new MatteEvaluationOptions
            {
                Keying = new KeyingOptions
                {
                    Model = result.GetValue(model)!,
                    Matte = new MatteOptions
                    {
                        Threshold = result.GetValue(threshold),
                        Softness = result.GetValue(softness),
                        Feather = result.GetValue(feather),
                        Smoothing = result.GetValue(smoothing),
                        LookAhead = result.GetValue(lookAhead),
                        Refine = result.GetValue(refine),
                        RefineRadius = result.GetValue(radius),
                        RefineEpsilon = result.GetValue(epsilon),
                        ClipBlack = result.GetValue(clipBlack),
                        ClipWhite = result.GetValue(clipWhite),
                    },
                    Session = result.GetValue(device)!.Session(),
                    PoseTracking = new PoseTrackerOptions
                    {
                        CropSmoothing = result.GetValue(cropSmoothing) == Switch.On,
                        HeatmapRefinement = result.GetValue(heatmapRefinement) == Switch.On,
                    },
                },
                BoundaryTolerance = result.GetValue(tolerance),
                FlickerBand = result.GetValue(band),
            };
            var (imagesDir, masksDir, videoPath) = (result.GetValue(images), result.GetValue(masks), result.GetValue(video));
            MatteScores scores;
            if (imagesDir is not null && masksDir is not null && videoPath is null)
                scores = await ConsoleProgress.RunAsync(progress => MatteEvaluation.EvaluateImagesAsync(imagesDir, masksDir, options, progress, token));
            else if (videoPath is not null && imagesDir is null && masksDir is null)
                scores = await ConsoleProgress.RunAsync(progress => MatteEvaluation.EvaluateVideoAsync(videoPath, result.GetValue(alpha), options, progress, token));
            else
                throw new SynthstageException("give --images DIR --masks DIR, or --video FILE [--alpha FILE]", ExitCodes.Usage);
            Print(scores);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static void Print(MatteScores s)
    {
        var c = CultureInfo.InvariantCulture;
        System.Console.WriteLine(string.Create(c, $"frames              {s.Frames}"));
        if (s.MeanIou is { } iou) System.Console.WriteLine(string.Create(c, $"mean IoU            {iou:F4}"));
        if (s.MeanSoftIou is { } soft) System.Console.WriteLine(string.Create(c, $"soft IoU            {soft:F4}"));
        if (s.MeanBoundaryF is { } f) System.Console.WriteLine(string.Create(c, $"boundary F          {f:F4}  (tolerance {s.BoundaryTolerance:0.#} px)"));
        if (s.Mad is { } mad) System.Console.WriteLine(string.Create(c, $"MAD ×1e3            {mad * 1e3:F2}"));
        if (s.DtSsd is { } dt) System.Console.WriteLine(string.Create(c, $"dtSSD ×1e2          {dt * 1e2:F3}"));
        if (s.Flicker is { } fl) System.Console.WriteLine(string.Create(c, $"flicker ×1e3        {fl * 1e3:F3}  (mean |Δα| beyond {s.FlickerBand:0.#} px of the edges)"));
        if (s.SweepFreeFlicker is { } sweepFree) System.Console.WriteLine(string.Create(c, $"sweep-free ×1e3     {sweepFree * 1e3:F3}  (the same, also leaving out what a moving edge swept: pixels that crossed ½ where an 8 px cell's luma changed > {s.StillPictureChange:0.#} levels)"));
        if (s.StillFlicker is { } still) System.Console.WriteLine(string.Create(c, $"still flicker ×1e3  {still * 1e3:F3}  (the same where the picture is still: 8 px cells whose mean luma changed ≤ {s.StillPictureChange:0.#} levels)"));
        System.Console.WriteLine(string.Create(c, $"speed               {s.MillisecondsPerFrame:F2} ms/frame ({s.FramesPerSecond:F1} frames/s, decoding excluded)"));
    }
}
