using System.Diagnostics;
using System.Security.Cryptography;
using Synthstage.Models.Hub;

namespace Synthstage.Bench.Hub;

/// <summary>
/// Loopback download throughput of the Hub client (listing, redirect, download, SHA-256, link into the cache)
/// against <c>curl -L</c> fetching the same file from the same server. Median of N runs; target ratio ≥ 0.8.
/// </summary>
/// <remarks>usage: hub [--size-mb 1024] [--runs 3]. The test file and caches are deleted afterwards.</remarks>
public static class HubBenchmark
{
    /// <summary>Runs the benchmark and prints MB/s for both clients and their ratio.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMb = Option(args, "--size-mb", 1024);
        var runs = Option(args, "--runs", 3);
        var work = Directory.CreateTempSubdirectory("synthstage-hubbench-").FullName;
        try
        {
            var file = Path.Combine(work, "big.bin");
            Console.Error.WriteLine($"writing a {sizeMb} MB test file...");
            var sha256 = WriteTestFile(file, sizeMb);
            const string repository = "bench/big-model";
            const string commit = "fedcba9876543210fedcba9876543210fedcba98";
            using var server = new LoopbackHubServer(file, repository, "unet/model.onnx_data", commit, sha256);
            var bytes = (double)new FileInfo(file).Length;

            // One uncounted run of each first, so JIT compilation and a cold page cache are not in the numbers.
            await PullAsync(server, repository, Path.Combine(work, "hub-warmup"));
            var ours = new List<double>();
            var curl = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var cache = Path.Combine(work, "hub-" + run);
                var clock = Stopwatch.StartNew();
                await PullAsync(server, repository, cache);
                ours.Add(bytes / clock.Elapsed.TotalSeconds / 1e6);

                var output = Path.Combine(work, "curl.out");
                clock.Restart();
                using (var process = Process.Start(new ProcessStartInfo("curl", ["-s", "-S", "-f", "-L", "-o", output, $"{server.Endpoint}/{repository}/resolve/main/unet/model.onnx_data"]))!)
                {
                    await process.WaitForExitAsync();
                    if (process.ExitCode != 0) throw new InvalidOperationException($"curl failed with exit code {process.ExitCode}");
                }
                curl.Add(bytes / clock.Elapsed.TotalSeconds / 1e6);
                File.Delete(output);
                Console.Error.WriteLine($"run {run + 1}: synthstage {ours[^1]:0} MB/s, curl {curl[^1]:0} MB/s");
            }
            var (a, b) = (Median(ours), Median(curl));
            Console.WriteLine($"hub download, {sizeMb} MB over loopback, median of {runs}: synthstage {a:0} MB/s (incl. SHA-256 + cache link), curl {b:0} MB/s, ratio {a / b:0.00} (target >= 0.80)");
            return a / b >= 0.8 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task PullAsync(LoopbackHubServer server, string repository, string cache)
    {
        await HubDownloader.PullAsync(new HubReference(repository, "main"), null,
            new HubOptions { Endpoint = server.Endpoint, CacheFolder = cache }, null, CancellationToken.None);
        Directory.Delete(cache, recursive: true);
    }

    private static string WriteTestFile(string path, int sizeMb)
    {
        var block = new byte[1 << 20];
        new Random(1).NextBytes(block);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stream = File.Create(path);
        for (var i = 0; i < sizeMb; i++)
        {
            block[0] = (byte)i; // no two megabytes alike
            block[1] = (byte)(i >> 8);
            stream.Write(block);
            sha.AppendData(block);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
