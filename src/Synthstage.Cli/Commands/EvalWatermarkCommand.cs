using System.CommandLine;
using System.Globalization;
using Synthstage.Provenance.Evaluation;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage eval watermark [VIDEOS…] [--work DIR] [--keys N]</c>: measures the invisible watermark's PSNR,
/// robustness to re-encoding, scaling, cropping and JPEG, its false-positive rate and the grain it adds on flat
/// backgrounds, and prints the numbers.
/// </summary>
internal static class EvalWatermarkCommand
{
    public static Command Create()
    {
        var videos = new Argument<string[]>("videos") { Description = "Footage to mark (default: ../shared/data/footage/juggle.mp4 and coffee.mp4)", Arity = ArgumentArity.ZeroOrMore };
        var work = new Option<string?>("--work") { Description = "Folder for marked and attacked files (default: a new temporary folder, removed afterwards)" };
        var keys = new Option<int>("--keys") { Description = "Random keys tested against each unmarked segment and still (false-positive trials)", DefaultValueFactory = _ => 100 };
        var every = new Option<int>("--still-every") { Description = "Take every n-th footage frame as a still", DefaultValueFactory = _ => 12 };
        var command = new Command("watermark", "Measure the invisible watermark: PSNR, grain on flat areas, survival of re-encoding/scaling/cropping/JPEG, false positives")
        {
            videos, work, keys, every,
        };
        command.SetAction((result, ct) => Console.CommandRunner.RunAsync(result, async token =>
        {
            var inputs = result.GetValue(videos) is { Length: > 0 } given ? given : DefaultFootage();
            foreach (var input in inputs)
                if (!File.Exists(input)) throw new SynthstageException($"video '{input}' does not exist", ExitCodes.BadInput);
            var folder = result.GetValue(work);
            var temporary = folder is null;
            folder ??= Directory.CreateTempSubdirectory("synthstage-eval-").FullName;
            if (!Directory.Exists(folder)) throw new SynthstageException($"work folder '{folder}' does not exist", ExitCodes.BadOutput);
            try
            {
                var report = await WatermarkEvaluation.RunAsync(inputs, folder, result.GetValue(keys), result.GetValue(every),
                    new SynchronousProgress(line => System.Console.WriteLine("  " + line)), token);
                Print(report);
            }
            finally
            {
                if (temporary) Directory.Delete(folder, recursive: true);
            }
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static string[] DefaultFootage()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var footage = Path.Combine(dir.FullName, "..", "shared", "data", "footage");
            if (Directory.Exists(footage))
                return [Path.GetFullPath(Path.Combine(footage, "juggle.mp4")), Path.GetFullPath(Path.Combine(footage, "coffee.mp4"))];
        }
        throw new SynthstageException($"no footage given and ../shared/data/footage not found above {Environment.CurrentDirectory}; pass the videos to mark", ExitCodes.Usage);
    }

    private static void Print(WatermarkEvaluationReport report)
    {
        var c = CultureInfo.InvariantCulture;
        System.Console.WriteLine();
        System.Console.WriteLine("Watermark evaluation");
        System.Console.WriteLine(string.Format(c, "PSNR marked vs unmarked: video {0:F2} dB (worst frame {1:F2} dB), stills {2:F2} dB",
            report.VideoPsnrDb, report.MinFramePsnrDb, report.StillPsnrDb));
        System.Console.WriteLine(string.Format(c, "Embedding: median {0:F2} ms per {1} frame (one thread)", report.EmbedMillisecondsPerFrame, report.FrameSize));
        System.Console.WriteLine("Flat areas (a real frame in the middle, a smooth background around it):");
        foreach (var flat in report.FlatAreas) System.Console.WriteLine("  " + WatermarkEvaluation.Describe(flat));
        System.Console.WriteLine("Detection (video: per 1-second segment; stills: per image):");
        foreach (var attack in report.Attacks) System.Console.WriteLine("  " + WatermarkEvaluation.Describe(attack));
        System.Console.WriteLine("False positives (unmarked content, default key + random keys):");
        foreach (var fp in report.FalsePositives) System.Console.WriteLine("  " + WatermarkEvaluation.Describe(fp));
        var trials = report.FalsePositives.Sum(f => f.Trials);
        var hits = report.FalsePositives.Sum(f => f.FalsePositives);
        System.Console.WriteLine(string.Format(c, "  total: {0} in {1} trials; 95% upper bound on the rate {2:G3}", hits, trials,
            hits == 0 ? 3.0 / trials : (hits + 2.0 * Math.Sqrt(hits)) / trials));
    }

    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
