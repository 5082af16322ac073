using System.Diagnostics;
using System.Text.Json;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Video;

namespace Synthstage.Pose;

/// <summary>Settings of <see cref="PoseJob"/>.</summary>
public sealed record PoseJobOptions
{
    /// <summary>pose-lite, pose-full (default) or pose-heavy.</summary>
    public string Model { get; init; } = "pose-full";

    /// <summary>Where to write the landmarks as JSON; null to skip.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Where to write the video with the skeleton drawn over it; null to skip.</summary>
    public string? OverlayPath { get; init; }

    /// <summary>Whom to follow when there are several people.</summary>
    public PersonChoice Person { get; init; } = PersonChoice.Largest;

    /// <summary>Smooth the reported landmarks over time with MediaPipe's One Euro filters (see <see cref="PoseTrackerOptions.LandmarkSmoothing"/>).</summary>
    public bool LandmarkSmoothing { get; init; } = true;

    /// <summary>Smooth the landmarks that place the next frame's crop (see <see cref="PoseTrackerOptions.CropSmoothing"/>).</summary>
    public bool CropSmoothing { get; init; }

    /// <summary>Move the landmarks to the heatmap's peaks (see <see cref="PoseTrackerOptions.HeatmapRefinement"/>).</summary>
    public bool HeatmapRefinement { get; init; } = true;

    /// <summary>Format (null: from the overlay's extension), CRF, preset and VP9 deadline of the overlay video.</summary>
    public EncoderSettings Encoder { get; init; } = EncoderSettings.Default;

    /// <summary>Copy the input's audio into the overlay video.</summary>
    public bool KeepAudio { get; init; } = true;

    /// <summary>Execution provider and threads (default: CPU, one intra-op thread).</summary>
    public SessionOptionsSpec Session { get; init; } = new();

    /// <summary>Where the models are installed.</summary>
    public ModelStore Store { get; init; } = ModelStore.Default;
}

/// <summary>What <see cref="PoseJob"/> produced.</summary>
/// <param name="Frames">Frames processed.</param>
/// <param name="FramesWithPerson">Frames in which a person was found.</param>
/// <param name="DetectorRuns">How often the detector ran (first frame and whenever tracking was lost).</param>
/// <param name="Elapsed">Wall-clock time.</param>
/// <param name="Warning">A problem that did not stop the run (a truncated input), or null.</param>
public sealed record PoseJobResult(int Frames, int FramesWithPerson, int DetectorRuns, TimeSpan Elapsed, string? Warning);

/// <summary>
/// <c>synthstage pose</c>: tracks the person through a video (or image) with BlazePose GHUM and writes the 33 landmarks
/// of every frame as JSON and, optionally, a video with the skeleton drawn over the frames. Outputs are written under
/// temporary names and renamed when complete.
/// </summary>
/// <remarks>
/// JSON layout: <c>{"model", "width", "height", "frameRate", "landmarkNames": [33 names], "frames": [{"index", "time",
/// "score", "landmarks": [[x, y, z, visibility, presence] × 33] or null}]}</c>, x and y normalised to the frame,
/// <c>score</c> the pose flag (0 and <c>landmarks: null</c> when nobody was found).
/// </remarks>
public static class PoseJob
{
    /// <summary>Runs the job.</summary>
    /// <exception cref="SynthstageException">Bad input, no output requested, model or output problems.</exception>
    public static async Task<PoseJobResult> RunAsync(string inputPath, PoseJobOptions options, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.JsonPath is null && options.OverlayPath is null)
            throw new SynthstageException("nothing to write: give --json FILE and/or -o OVERLAY", ExitCodes.Usage);
        ArgumentNullException.ThrowIfNull(options.Encoder);
        options.Encoder.Validate();
        var clock = Stopwatch.StartNew();
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        int width = reader.Width, height = reader.Height;
        var tracking = new PoseTrackerOptions { LandmarkSmoothing = options.LandmarkSmoothing, CropSmoothing = options.CropSmoothing, HeatmapRefinement = options.HeatmapRefinement, FrameRate = info.FrameRate };
        using var tracker = await PoseSegmenter.CreateTrackerAsync(options.Model, options.Store, options.Session, options.Person, progress, ct, tracking).ConfigureAwait(false);

        await using var writer = options.OverlayPath is null ? null : VideoFrameWriter.Create(new VideoWriterOptions(options.OverlayPath, width, height, info.FrameRate)
        {
            Encoder = options.Encoder,
            AudioSourcePath = options.KeepAudio && info.AudioStreams.Count > 0 ? inputPath : null,
        });
        var json = options.JsonPath is null ? null : new JsonOutput(options.JsonPath);
        try
        {
            json?.Begin(options.Model, width, height, info.FrameRate);
            var frame = new byte[reader.FrameSizeBytes];
            int frames = 0, found = 0;
            while (await reader.ReadFrameAsync(frame, ct).ConfigureAwait(false))
            {
                ct.ThrowIfCancellationRequested();
                if (tracker.Process(frame, width, height, 3)) found++;
                json?.Frame(frames, info.FrameRate > 0 ? frames / info.FrameRate : 0, tracker);
                if (writer is not null)
                {
                    if (tracker.Found) PoseOverlay.Draw(frame, width, height, tracker.Landmarks);
                    await writer.WriteFrameAsync(frame, ct).ConfigureAwait(false);
                }
                frames++;
                progress?.Report(new PipelineProgress("pose", frames, info.FrameCount, Path.GetFileName(inputPath)));
            }
            if (frames == 0)
                throw new SynthstageException($"'{inputPath}' has no decodable video frames{(reader.Warning is null ? "" : ": " + reader.Warning)}", ExitCodes.BadInput);
            json?.Complete();
            if (writer is not null) await writer.CompleteAsync(ct).ConfigureAwait(false);
            var warning = reader.EndedEarly ? $"'{Path.GetFileName(inputPath)}' is damaged or truncated: processed the {frames} frames that decode ({reader.Warning})" : null;
            return new PoseJobResult(frames, found, tracker.Detections, clock.Elapsed, warning);
        }
        finally
        {
            json?.Dispose();
        }
    }

    /// <summary>Streams the landmarks JSON into a temporary file, renamed into place by <see cref="Complete"/>.</summary>
    private sealed class JsonOutput : IDisposable
    {
        private readonly string _path;
        private readonly string _temp;
        private readonly FileStream _stream;
        private readonly Utf8JsonWriter _writer;
        private bool _completed;

        public JsonOutput(string path)
        {
            _path = Path.GetFullPath(path);
            _temp = _path + ".partial";
            try
            {
                _stream = new FileStream(_temp, FileMode.Create, FileAccess.Write, FileShare.None);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SynthstageException($"cannot write {path}: {e.Message}", ExitCodes.BadOutput, e);
            }
            _writer = new Utf8JsonWriter(_stream);
        }

        public void Begin(string model, int width, int height, double frameRate)
        {
            _writer.WriteStartObject();
            _writer.WriteString("model", model);
            _writer.WriteNumber("width", width);
            _writer.WriteNumber("height", height);
            _writer.WriteNumber("frameRate", Math.Round(frameRate, 6));
            _writer.WriteStartArray("landmarkNames");
            foreach (var name in PoseLandmark.Names) _writer.WriteStringValue(name);
            _writer.WriteEndArray();
            _writer.WriteStartArray("frames");
        }

        public void Frame(int index, double time, PoseTracker tracker)
        {
            _writer.WriteStartObject();
            _writer.WriteNumber("index", index);
            _writer.WriteNumber("time", Math.Round(time, 6));
            _writer.WriteNumber("score", Math.Round(tracker.Score, 5));
            if (!tracker.Found)
            {
                _writer.WriteNull("landmarks");
            }
            else
            {
                _writer.WriteStartArray("landmarks");
                foreach (var l in tracker.Landmarks)
                {
                    _writer.WriteStartArray();
                    _writer.WriteNumberValue(Math.Round(l.X, 5));
                    _writer.WriteNumberValue(Math.Round(l.Y, 5));
                    _writer.WriteNumberValue(Math.Round(l.Z, 5));
                    _writer.WriteNumberValue(Math.Round(l.Visibility, 4));
                    _writer.WriteNumberValue(Math.Round(l.Presence, 4));
                    _writer.WriteEndArray();
                }
                _writer.WriteEndArray();
            }
            _writer.WriteEndObject();
            if (_writer.BytesPending > 64 * 1024) _writer.Flush();
        }

        public void Complete()
        {
            _writer.WriteEndArray();
            _writer.WriteEndObject();
            _writer.Flush();
            _stream.Flush();
            _writer.Dispose();
            _stream.Dispose();
            try
            {
                File.Move(_temp, _path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SynthstageException($"cannot write {_path}: {e.Message}", ExitCodes.BadOutput, e);
            }
            _completed = true;
        }

        public void Dispose()
        {
            if (_completed) return;
            _writer.Dispose();
            _stream.Dispose();
            try { File.Delete(_temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
