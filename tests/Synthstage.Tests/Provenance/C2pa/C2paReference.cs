using System.Diagnostics;
using System.Text.Json.Nodes;
using Synthstage.Models;

namespace Synthstage.Tests.Provenance.C2pa;

/// <summary>
/// The C2PA project's own reader (c2pa-rs compiled to WebAssembly, npm <c>@contentauth/c2pa-wasm</c>, MIT) run in Node on a
/// file: <c>WasmReader.fromBytes(mime, bytes)</c>, then <c>json()</c>. Skips the test when npm or node is unavailable.
/// </summary>
internal static class C2paReference
{
    private const string Package = "@contentauth/c2pa-wasm";
    private const string Version = "0.15.0";

    private const string Script = """
        import fs from 'fs';
        import { initSync, WasmReader } from './c2pa.js';
        initSync({ module: fs.readFileSync(new URL('./c2pa_bg.wasm', import.meta.url)) });
        const [file, mime] = process.argv.slice(2);
        try {
          const reader = await WasmReader.fromBytes(mime, new Uint8Array(fs.readFileSync(file)));
          console.log(JSON.stringify({ ok: true, store: JSON.parse(reader.json()) }));
        } catch (e) {
          console.log(JSON.stringify({ ok: false, error: String(e) }));
        }
        """;

    private static readonly SemaphoreSlim s_fetch = new(1, 1);

    /// <summary>What the reference reader says about <paramref name="file"/>.</summary>
    public static async Task<ReferenceResult> ReadAsync(string file, string mimeType)
    {
        var folder = Path.Combine(TestEnvironment.CacheRoot, "npm", "c2pa-wasm-" + Version);
        await s_fetch.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            await NpmRegistry.FetchOrSkipAsync(Package, Version, folder,
            [
                new NpmPackageFile("pkg/c2pa.js", "1b81d5974613702fb833e4a52edf3afd7597248557de6a06e2ad566b6dba80be"),
                new NpmPackageFile("pkg/c2pa_bg.wasm", "3c10f4b48e545658e687a3077beca7decd12bf32acd67f56b893bb09a307ec79"),
            ]);
            await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), """{ "type": "module" }""", TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(folder, "read.js"), Script, TestContext.Current.CancellationToken);
        }
        finally
        {
            s_fetch.Release();
        }
        if (!SharedData.OnPath("node")) Assert.Skip("node is not installed: the C2PA reference reader cannot run");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(folder, "read.js"), Path.GetFullPath(file), mimeType }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node failed: {await stderr}");
        var result = JsonNode.Parse(output)!.AsObject();
        return new ReferenceResult(result["ok"]!.GetValue<bool>(), result["store"]?.AsObject(), result["error"]?.GetValue<string>());
    }
}

/// <summary>The reference reader's answer: the manifest store as JSON, or the error it raised.</summary>
internal sealed record ReferenceResult(bool Ok, JsonObject? Store, string? Error)
{
    public JsonObject ActiveManifest => Store!["manifests"]![Store["active_manifest"]!.GetValue<string>()]!.AsObject();

    /// <summary>The validation_status codes (what is left wrong; empty when nothing is).</summary>
    public IReadOnlyList<string> StatusCodes =>
        Store?["validation_status"]?.AsArray().Select(s => s!["code"]!.GetValue<string>()).ToArray() ?? [];

    /// <summary>The success codes of the active manifest.</summary>
    public IReadOnlyList<string> SuccessCodes =>
        Store?["validation_results"]?["activeManifest"]?["success"]?.AsArray().Select(s => s!["code"]!.GetValue<string>()).ToArray() ?? [];

    /// <summary>The failure codes of the active manifest.</summary>
    public IReadOnlyList<string> FailureCodes =>
        Store?["validation_results"]?["activeManifest"]?["failure"]?.AsArray().Select(s => s!["code"]!.GetValue<string>()).ToArray() ?? [];

    public JsonObject Assertion(string label) =>
        ActiveManifest["assertions"]!.AsArray().First(a => a!["label"]!.GetValue<string>() == label)!["data"]!.AsObject();

    public override string ToString() => Ok ? Store!.ToJsonString() : $"error: {Error}";
}
