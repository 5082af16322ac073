using Synthstage.Imaging;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Models;

namespace Synthstage.Scenes;

/// <summary>
/// Generated scenes on disk (<c>$SYNTHSTAGE_HOME/cache/scenes/&lt;hash&gt;.png</c>), keyed by a SHA-256 of everything
/// that decides the pixels: model identity, prompt, negative prompt, seed, size, steps, guidance and scheduler. The
/// same request never generates twice; files are written under a temporary name and renamed, so a crash leaves none half-written.
/// Super-resolved plates use the same class over <c>cache/scenes/enlarged</c>, keyed by <see cref="EnlargedKey"/>.
/// </summary>
public sealed class ScenePlateCache
{
    /// <summary>Uses <paramref name="folder"/> (created on first write).</summary>
    public ScenePlateCache(string folder) => Folder = Path.GetFullPath(folder);

    /// <summary>The cache inside a model store: <c>ROOT/cache/scenes</c>.</summary>
    public static ScenePlateCache In(ModelStore store) => new(Path.Combine(store.Root, "cache", "scenes"));

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>The key of one request, 64 hex digits.</summary>
    /// <param name="modelIdentity">From <see cref="ModelIdentity"/>.</param>
    /// <param name="options">Prompt, negative, seed, steps, guidance, scheduler.</param>
    /// <param name="width">Requested width.</param>
    /// <param name="height">Requested height.</param>
    public static string Key(string modelIdentity, SceneOptions options, int width, int height)
    {
        var inv = CultureInfo.InvariantCulture;
        return Hash(new[]
        {
            "scene-v1", modelIdentity, options.Prompt, options.NegativePrompt, options.Seed.ToString(inv),
            width.ToString(inv), height.ToString(inv), options.Steps.ToString(inv),
            options.GuidanceScale.ToString("R", inv), options.Scheduler ?? "(model default)",
        });
    }

    /// <summary>
    /// The key of <paramref name="plateKey"/>'s plate enlarged by <paramref name="upscaler"/>: its method, factor and, for a
    /// model, the file's path, size and modification time (a model replaced in place gives a new key).
    /// </summary>
    public static string EnlargedKey(string plateKey, Upscaling.ResolvedUpscaler upscaler)
    {
        ArgumentNullException.ThrowIfNull(upscaler);
        var inv = CultureInfo.InvariantCulture;
        var model = "(none)";
        if (upscaler.ModelPath is { } path)
        {
            var info = new FileInfo(path);
            model = $"{info.FullName} {(info.Exists ? info.Length : -1).ToString(inv)} {info.LastWriteTimeUtc.Ticks.ToString(inv)}";
        }
        return Hash(["scene-enlarged-v1", plateKey, upscaler.Name, upscaler.Factor.ToString(inv), model]);
    }

    private static string Hash(IEnumerable<string> fields)
    {
        var inv = CultureInfo.InvariantCulture;
        // Length-prefixed fields, so no two different requests can concatenate to the same text.
        var text = new StringBuilder();
        foreach (var f in fields) text.Append(f.Length.ToString(inv)).Append(':').Append(f).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Identity of a model folder without hashing its gigabytes: the full path and each file's path, size and modification
    /// time under the folders that shape an image (text encoder, UNet, VAE decoder, scheduler, tokenizer). Hub snapshots are
    /// named by commit, so a new revision is a new identity; a file replaced in place changes its size or time.
    /// </summary>
    public static string ModelIdentity(string folder)
    {
        var full = Path.GetFullPath(folder);
        var text = new StringBuilder(full).Append('\n');
        foreach (var part in new[] { "model_index.json", "scheduler", "tokenizer", "text_encoder", "unet", "vae_decoder" })
        {
            var path = Path.Combine(full, part);
            string[] files = Directory.Exists(path) ? [.. Directory.GetFiles(path).Order(StringComparer.Ordinal)] : File.Exists(path) ? [path] : [];
            foreach (var file in files)
            {
                FileSystemInfo info = new FileInfo(file);
                if (info.LinkTarget is not null) info = info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
                var length = info is FileInfo fi && fi.Exists ? fi.Length : -1;
                text.Append(Path.GetRelativePath(full, file)).Append(' ').Append(length.ToString(CultureInfo.InvariantCulture))
                    .Append(' ').Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The PNG path for <paramref name="key"/>.</summary>
    public string PathOf(string key) => Path.Combine(Folder, key + ".png");

    /// <summary>The cached image and its parameters, or null when absent or unreadable (an unreadable file is regenerated).</summary>
    public (RgbImage Image, IReadOnlyList<KeyValuePair<string, string>> Parameters)? TryLoad(string key)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            var bytes = File.ReadAllBytes(path);
            var parameters = PngTextChunks.Read(bytes);
            return (RgbImage.Load(path), parameters);
        }
        catch (Exception e) when (e is SynthstageException or IOException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="image"/> under <paramref name="key"/>; returns its path.</summary>
    public string Save(string key, GeneratedImage image)
    {
        Directory.CreateDirectory(Folder);
        var path = PathOf(key);
        image.SavePng(path);
        return path;
    }

    /// <summary>Stores an enlarged plate under <paramref name="key"/> (written under a temporary name, then renamed); returns its path.</summary>
    public string Save(string key, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Directory.CreateDirectory(Folder);
        var path = PathOf(key);
        AtomicFile.Write(path, stream =>
        {
            using var bitmap = image.ToBitmap();
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            data.SaveTo(stream);
        }, "the enlarged scene");
        return path;
    }
}
