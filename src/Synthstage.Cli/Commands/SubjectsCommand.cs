using System.CommandLine;
using System.Text.Json;
using Synthstage.Cli.Console;
using Synthstage.Pose;
using Synthstage.Selection;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage subjects INPUT [--frame N] [-o overlay.png] [--json]</c>: what can be pointed at in a frame.</summary>
internal static class SubjectsCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A video or image" };
        var frame = new Option<int>("--frame") { Description = "Zero-based frame to look at", DefaultValueFactory = _ => 0 };
        var overlay = new Option<string?>("--output", "-o") { Description = "Write the frame with each subject boxed and numbered (PNG)" };
        var json = new Option<bool>("--json") { Description = "Print the subjects as JSON (id, kind, box, area, score, a point for --subject)" };
        var model = ChoiceOption.Create("--model", "BlazePose GHUM landmark model that finds the people",
            new Choices<string>(PoseSegmenter.ModelNames.Keys.Select(name => (name, name)).ToArray()), SubjectSelection.DefaultTracker, "-m");
        var device = CommonOptions.Device();
        var command = new Command("subjects", "Show what can be selected with --subject in one frame: each person with an id, box, area and a point to click")
        {
            input, frame, overlay, json, model, device,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = new SubjectsOptions
            {
                Frame = result.GetValue(frame),
                OverlayPath = result.GetValue(overlay),
                Model = result.GetValue(model)!,
                Session = result.GetValue(device)!.Session(),
            };
            var asJson = result.GetValue(json);
            // JSON goes to standard output alone, so tools can read it: no progress lines then.
            var found = asJson
                ? await SubjectsJob.RunAsync(result.GetValue(input)!, options, null, token)
                : await ConsoleProgress.RunAsync(progress => SubjectsJob.RunAsync(result.GetValue(input)!, options, progress, token));
            if (asJson)
            {
                System.Console.WriteLine(JsonSerializer.Serialize(new { found.Frame, found.Width, found.Height, found.Subjects }, Json));
                return ExitCodes.Success;
            }
            System.Console.WriteLine(found.Subjects.Count == 0
                ? $"frame {found.Frame}: nobody found"
                : $"frame {found.Frame} ({found.Width}×{found.Height}): {found.Subjects.Count} subject{(found.Subjects.Count == 1 ? "" : "s")}");
            foreach (var s in found.Subjects)
                System.Console.WriteLine($"  {s.Id}: {s.Kind}, box {s.X},{s.Y} {s.Width}×{s.Height}, area {s.Area} px, score {s.Score:F2} — select with --subject {s.PointX},{s.PointY}@{found.Frame}");
            if (options.OverlayPath is not null) System.Console.WriteLine($"wrote {options.OverlayPath}");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
