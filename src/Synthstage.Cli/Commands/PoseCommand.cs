using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Pose;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage pose INPUT --json landmarks.json [-o overlay.mp4] [--model pose-full]</c>.</summary>
internal static class PoseCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A video or image with a person in it" };
        var json = new Option<string?>("--json") { Description = "Write the 33 landmarks of every frame to this JSON file" };
        var overlay = new Option<string?>("--output", "-o") { Description = "Write the video with the skeleton drawn over it (.mp4, .webm, .mov)" };
        var model = ChoiceOption.Create("--model", "BlazePose GHUM landmark model (heavy: slower, steadier)",
            new Choices<string>(PoseSegmenter.ModelNames.Keys.Select(name => (name, name)).ToArray()), "pose-full", "-m");
        var person = ChoiceOption.Create("--person", "Whom to follow when there are several people: the largest or the most confident",
            new Choices<PersonChoice>([("largest", PersonChoice.Largest), ("confident", PersonChoice.MostConfident)], [("most-confident", PersonChoice.MostConfident)]), PersonChoice.Largest);
        var encoder = new EncoderOptions();
        var device = CommonOptions.Device();
        var noAudio = CommonOptions.NoAudio();
        var landmarkSmoothing = CommonOptions.LandmarkSmoothing();
        var cropSmoothing = CommonOptions.CropSmoothing();
        var heatmapRefinement = CommonOptions.HeatmapRefinement();
        var command = new Command("pose", "Track the person's 33 body landmarks (BlazePose GHUM) into JSON and/or a skeleton overlay video")
        {
            input, json, overlay, model, person, device, noAudio,
            landmarkSmoothing, cropSmoothing, heatmapRefinement,
        };
        encoder.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = new PoseJobOptions
            {
                Model = result.GetValue(model)!,
                JsonPath = result.GetValue(json),
                OverlayPath = result.GetValue(overlay),
                Person = result.GetValue(person),
                Encoder = encoder.Read(result),
                KeepAudio = !result.GetValue(noAudio),
                LandmarkSmoothing = result.GetValue(landmarkSmoothing) == Switch.On,
                CropSmoothing = result.GetValue(cropSmoothing) == Switch.On,
                HeatmapRefinement = result.GetValue(heatmapRefinement) == Switch.On,
                Session = result.GetValue(device)!.Session(),
            };
            var done = await ConsoleProgress.RunAsync(progress => PoseJob.RunAsync(result.GetValue(input)!, options, progress, token));
            var fps = done.Frames / Math.Max(done.Elapsed.TotalSeconds, 1e-9);
            foreach (var path in new[] { options.JsonPath, options.OverlayPath }.OfType<string>()) System.Console.WriteLine($"wrote {path}");
            System.Console.WriteLine($"{done.Frames} frames in {done.Elapsed.TotalSeconds:F1} s ({fps:F1} frames/s); person found in {done.FramesWithPerson}, detector ran {done.DetectorRuns} times");
            if (done.Warning is not null) System.Console.Error.WriteLine($"warning: {done.Warning}");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
