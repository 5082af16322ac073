using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Provenance;
using Synthstage.Video;

namespace Synthstage.Studio;

/// <summary>
/// The clip page's quick matte preview of a whole clip: the clip scaled down once by ffmpeg (to <see cref="Width"/>
/// pixels wide, lossless, cached per clip), then keyed by the real composite path (<see cref="CompositeJob"/> with the
/// model and the subject points a render gets) over <see cref="MatteTintBackground"/>, into a small VP9 WebM under
/// <c>work/matte-previews/</c>. Finished previews are cached by clip hash, model, points and size, so asking again is
/// instant. No provenance marks: the preview is a working view in the work folder, never an output or a download.
/// </summary>
public sealed class ClipMattePreview(StudioDataFolder folder, ModelStore store)
{
    /// <summary>Preview width when the clip is wider.</summary>
    public const int DefaultWidth = 320;

    /// <summary>Finished previews kept (newest used first); older ones are deleted.</summary>
    public const int KeptPreviews = 16;

    /// <summary>Scaled-down clips kept.</summary>
    public const int KeptClips = 4;

    // Raised when the preview's look or encoding changes, so old cached previews are not served as new ones.
    private const string Version = "matte preview 1";

    /// <summary>Preview width (an even number of pixels; a narrower clip keeps its width).</summary>
    public int Width { get; init; } = DefaultWidth;

    /// <summary>Where previews and scaled clips are kept.</summary>
    public string Folder => Path.Combine(folder.Work, "matte-previews");

    /// <summary>Checks a preview request before anything runs: the model, the clip and the points.</summary>
    /// <param name="clip">The clip, relative to the data folder.</param>
    /// <param name="model">A built-in keying model.</param>
    /// <param name="points">The subject points (fractions of the frame, with their frames), as the render gets them.</param>
    /// <param name="ct">Cancels the probe and the hash.</param>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: an unknown model, a still image, a point
    /// outside the frame or past the last frame; <see cref="ExitCodes.BadInput"/>: the clip is not a video in the data folder.</exception>
    public async Task<MattePreviewPlan> PlanAsync(string clip, string model, IReadOnlyList<SubjectPoint>? points, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(model) || !KeyingModelChoice.IsBuiltIn(model))
            throw new SynthstageException($"unknown model '{model}'; choose one the page lists", ExitCodes.Usage);
        var (path, info) = await new ClipCatalog(folder).ProbeAsync(clip, ct).ConfigureAwait(false);
        if (info.IsStillImage) throw new SynthstageException($"'{clip}' is a still image: its matte is the one a click shows", ExitCodes.Usage);
        var given = points ?? [];
        foreach (var point in given)
        {
            ArgumentNullException.ThrowIfNull(point);
            point.Validate(info.FrameCount);
        }
        var (width, height) = PreviewSize(info.DisplayWidth, info.DisplayHeight, Width);
        var hash = await ClipHashAsync(path, ct).ConfigureAwait(false);
        var key = KeyOf(hash, model, given, width, height);
        return new MattePreviewPlan(folder.Relative(path), info, model.ToLowerInvariant(), given, width, height, hash, key, Path.Combine(Folder, key + ".webm"));
    }

    /// <summary>Makes the preview of <paramref name="plan"/>, or returns the cached one.</summary>
    /// <param name="plan">A checked request.</param>
    /// <param name="progress">Model install, then <c>render</c> frame n of N.</param>
    /// <param name="ct">Cancels the preview; nothing is left under the preview's name.</param>
    /// <exception cref="SynthstageException">A model that cannot be installed or loaded, or a clip that stops decoding.</exception>
    public async Task<MattePreviewResult> RenderAsync(MattePreviewPlan plan, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var clock = Stopwatch.StartNew();
        if (Reuse(plan.OutputPath)) return new MattePreviewResult(plan.OutputPath, plan.Input.FrameCount, clock.Elapsed, true, null);
        Directory.CreateDirectory(Folder);
        var small = await ScaledClipAsync(plan, progress, ct).ConfigureAwait(false);
        var keying = new KeyingOptions
        {
            Model = plan.Model,
            Store = store,
            Selection = SubjectPoint.ToSelection(plan.Points, plan.Width, plan.Height),
            // Realtime VP9 at a low-resolution CRF: the encoder costs little next to the model, and Chromium plays WebM.
            Encoder = EncoderSettings.Default with { Format = OutputFormat.WebM, Crf = 36 },
            KeepAudio = false,
            Provenance = ProvenanceOptions.None,
        };
        var render = await CompositeJob.RunAsync(small, new RenderOutput.Plain(plan.OutputPath), new MatteTintBackground(), keying, new CompositeLook(),
            progress, ct).ConfigureAwait(false);
        Prune();
        return new MattePreviewResult(plan.OutputPath, render.FramesWritten, clock.Elapsed, false, render.Warning);
    }

    /// <summary>The preview's size: <paramref name="maxWidth"/> wide at most, the aspect kept, both sides even (yuv420p needs it).</summary>
    public static (int Width, int Height) PreviewSize(int width, int height, int maxWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWidth, 2);
        var w = Math.Max(2, Math.Min(width, maxWidth) & ~1);
        var h = Math.Max(2, (int)Math.Round((double)w * height / width / 2) * 2);
        return (w, h);
    }

    /// <summary>The cache key of a preview: every input that changes its pixels.</summary>
    public static string KeyOf(string clipHash, string model, IEnumerable<SubjectPoint> points, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder(Version).Append('\n').Append(clipHash).Append('\n').Append(model.ToLowerInvariant()).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"{width}x{height}");
        foreach (var p in points)
            text.Append('\n').Append(CultureInfo.InvariantCulture, $"{(p.Include ? '+' : '-')}{p.X:R},{p.Y:R}@{p.Frame}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    // Uploads are stored under the SHA-256 of their content; any other clip in the data folder is hashed here.
    private static async Task<string> ClipHashAsync(string path, CancellationToken ct)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        if (stem.Length == 64 && stem.All(char.IsAsciiHexDigitLower)) return stem;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
    }

    // The clip at the preview's size, lossless H.264, one frame per source frame: made once per clip and size, then every
    // preview of it decodes 320-pixel frames instead of the full ones.
    private async Task<string> ScaledClipAsync(MattePreviewPlan plan, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var small = Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"{plan.ClipHash[..32]}-{plan.Width}x{plan.Height}.mp4"));
        if (Reuse(small)) return small;
        progress?.Report(new PipelineProgress("scale", 0, plan.Input.FrameCount, Path.GetFileName(plan.Clip)));
        var temp = Path.Combine(Folder, $".{Path.GetFileNameWithoutExtension(small)}.{Guid.NewGuid():N}.partial.mp4");
        var version = FfmpegTools.FfmpegVersion;
        string[] passthrough = version.Major > 0 && version < new Version(5, 1) ? ["-vsync", "passthrough"] : ["-fps_mode", "passthrough"];
        try
        {
            var result = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath,
            [
                "-nostdin", "-hide_banner", "-v", "error", "-i", FfmpegTools.FileUrl(plan.Input.Path),
                "-map", "0:" + plan.Input.VideoStreamIndex.ToString(CultureInfo.InvariantCulture), "-an", "-sn", "-dn",
                "-vf", string.Create(CultureInfo.InvariantCulture, $"scale={plan.Width}:{plan.Height}:flags=bicubic"), .. passthrough,
                "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-f", "mp4", temp,
            ], ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
                throw new SynthstageException($"cannot scale '{plan.Clip}' down for the preview: {result.FirstErrorLine}", ExitCodes.BadInput);
            File.Move(temp, small, overwrite: true);
            return small;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    // A cached file is touched when used, so pruning keeps what was asked for lately.
    private static bool Reuse(string path)
    {
        if (!File.Exists(path)) return false;
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        return true;
    }

    private void Prune()
    {
        var files = new DirectoryInfo(Folder).EnumerateFiles().Where(f => !f.Name.StartsWith('.')).ToList();
        var old = files.Where(f => f.Extension == ".webm").OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeptPreviews)
            .Concat(files.Where(f => f.Extension == ".mp4").OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeptClips));
        foreach (var file in old)
        {
            try
            {
                file.Delete();
            }
            catch (IOException)
            {
                // Being served right now: the next prune takes it.
            }
        }
    }
}
