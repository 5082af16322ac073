using System.Diagnostics;
using System.Globalization;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;
using static Synthstage.Bench.BenchTools;

namespace Synthstage.Bench;

/// <summary>
/// The cost of provenance: <c>composite --background blur</c> of juggle.mp4 with the default invisible watermark and with
/// <c>--no-watermark</c>, interleaved run by run, medians and their ratio; then the time of the manifest step alone
/// (hashing, signing, the stream-copy remux that embeds it) on the rendered file.
/// </summary>
internal static class ProvenanceBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clip = ClipOption(args);
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        if (!File.Exists(clip))
        {
            Console.Error.WriteLine($"clip '{clip}' not found; pass --clip FILE");
            return 2;
        }
        var work = Directory.CreateTempSubdirectory("synthstage-bench-prov-").FullName;
        try
        {
            var cli = CliPath(args);
            Console.WriteLine($"clip: {clip}, {runs} interleaved runs each, {Environment.ProcessorCount} cores");
            await ChildProcess.RunAsync("dotnet", cli, "composite", clip, "-b", "blur", "-o", Path.Combine(work, "warm.mp4"));
            var marked = new List<double>();
            var unmarked = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                // Alternate which variant goes first so drift in machine load does not favour one.
                var order = i % 2 == 0 ? new[] { true, false } : [false, true];
                foreach (var watermark in order)
                {
                    string[] command = ["composite", clip, "-b", "blur", "-o", Path.Combine(work, $"out{i}{(watermark ? "w" : "n")}.mp4")];
                    var outcome = await ChildProcess.RunAsync("dotnet", [cli, .. command, .. watermark ? Array.Empty<string>() : ["--no-watermark"]]);
                    (watermark ? marked : unmarked).Add(outcome.Elapsed.TotalSeconds);
                    Console.WriteLine($"  run {i + 1}: {(watermark ? "watermark   " : "no watermark")} {outcome.Elapsed.TotalSeconds:F2} s");
                }
            }
            var withMark = Median(marked);
            var without = Median(unmarked);
            Console.WriteLine();
            Console.WriteLine($"composite juggle.mp4 with watermark: median {withMark:F2} s; --no-watermark: median {without:F2} s; ratio {withMark / without:F3}");

            // The manifest step alone, on a copy of a rendered output, with a throw-away key.
            var copy = Path.Combine(work, "manifest-test.mp4");
            File.Copy(Path.Combine(work, "out0n.mp4"), copy);
            var options = new ProvenanceOptions { Watermark = false, KeyStore = new SigningKeyStore(Path.Combine(work, "keys")) };
            var stamp = OutputStamp.Create(options, 16, 16, 3);
            options.KeyStore.GetOrCreate();
            var times = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var record = new ProvenanceRecord("composite").AddInput("footage", clip);
                var start = Stopwatch.GetTimestamp();
                await ProvenanceWriter.WriteAsync(copy, stamp, record);
                times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            Console.WriteLine($"manifest step alone (hash input and output, sign twice, remux to embed): median {Median(times):F3} s ({Median(times) / without:P1} of the render)");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
