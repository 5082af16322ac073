namespace Synthstage.Media;

/// <summary>
/// The temporary and final names of one <see cref="VideoFrameWriter"/> output, and the rename that publishes it.
/// Temporaries live beside the final output (same file system, so the rename is atomic) under hidden names.
/// </summary>
internal sealed class OutputTarget
{
    private readonly string _displayPath;
    private readonly bool _isSequence;
    private readonly bool _isPatternSequence;

    private OutputTarget(string displayPath, string finalPath, string partialPath, string? videoOnlyPath, string encodeUrl,
        bool isSequence, bool isPatternSequence)
    {
        _displayPath = displayPath;
        FinalPath = finalPath;
        PartialPath = partialPath;
        VideoOnlyPath = videoOnlyPath;
        EncodeUrl = encodeUrl;
        _isSequence = isSequence;
        _isPatternSequence = isPatternSequence;
    }

    /// <summary>The published output: a file, a folder (PNG sequence) or a frame pattern's path.</summary>
    public string FinalPath { get; }

    /// <summary>The complete output before publishing: a hidden file, or a hidden folder for sequences.</summary>
    public string PartialPath { get; }

    /// <summary>Where the encoder writes when an audio mux pass follows; null without audio.</summary>
    public string? VideoOnlyPath { get; }

    /// <summary>The ffmpeg output URL of the encoding pass.</summary>
    public string EncodeUrl { get; }

    /// <summary>The file the audio mux pass writes (the partial output).</summary>
    public string EncodeTargetOfMux => PartialPath;

    /// <summary>Checks the output folder and reserves temporary names (creating the temporary folder for sequences).</summary>
    public static OutputTarget Prepare(string outputPath, OutputFormat format, bool needsVideoOnlyPass)
    {
        var token = Guid.NewGuid().ToString("N")[..10];
        if (format == OutputFormat.PngSequence)
            return PrepareSequence(outputPath, token);

        var full = Path.GetFullPath(outputPath);
        if (Directory.Exists(full))
            throw new SynthstageException($"output '{outputPath}' is an existing folder; give a file name", ExitCodes.BadOutput);
        var folder = Path.GetDirectoryName(full) ?? throw new SynthstageException($"output '{outputPath}' has no folder", ExitCodes.BadOutput);
        CheckFolder(folder, outputPath, token);

        var stem = Path.GetFileNameWithoutExtension(full);
        var extension = Path.GetExtension(full);
        var partial = Path.Combine(folder, $".{stem}.{token}.partial{extension}");
        var videoOnly = needsVideoOnlyPass ? Path.Combine(folder, $".{stem}.{token}.video{extension}") : null;
        return new OutputTarget(outputPath, full, partial, videoOnly, FfmpegTools.FileUrl(videoOnly ?? partial), false, false);
    }

    private static OutputTarget PrepareSequence(string outputPath, string token)
    {
        var fileName = Path.GetFileName(outputPath);
        if (fileName.Length > 0 && OutputFormats.FramePattern().IsMatch(fileName))
        {
            // out/shot_%04d.png: frames go into an existing folder that may hold other files.
            var full = Path.GetFullPath(outputPath);
            var folder = Path.GetDirectoryName(full)!;
            CheckFolder(folder, outputPath, token);
            var temp = Path.Combine(folder, $".{token}.partial");
            CreateFolder(temp, outputPath);
            return new OutputTarget(outputPath, full, temp, null, FfmpegTools.FileUrl(Path.Combine(temp, fileName)), true, true);
        }

        var target = Path.GetFullPath(Path.TrimEndingDirectorySeparator(outputPath));
        var parent = Path.GetDirectoryName(target) ?? throw new SynthstageException($"output '{outputPath}' has no parent folder", ExitCodes.BadOutput);
        CheckFolder(parent, outputPath, token);
        if (File.Exists(target))
            throw new SynthstageException($"output '{outputPath}' is an existing file, not a folder for a PNG sequence", ExitCodes.BadOutput);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new SynthstageException($"output folder '{outputPath}' already holds files; give an empty or new folder", ExitCodes.BadOutput);
        var tempFolder = Path.Combine(parent, $".{Path.GetFileName(target)}.{token}.partial");
        CreateFolder(tempFolder, outputPath);
        return new OutputTarget(outputPath, target, tempFolder, null,
            FfmpegTools.FileUrl(Path.Combine(tempFolder, "frame_%06d.png")), true, false);
    }

    /// <summary>Publishes the partial output under <see cref="FinalPath"/>, replacing an existing file.</summary>
    public void Commit()
    {
        try
        {
            if (!_isSequence)
            {
                File.Move(PartialPath, FinalPath, overwrite: true);
            }
            else if (_isPatternSequence)
            {
                var folder = Path.GetDirectoryName(FinalPath)!;
                foreach (var file in Directory.EnumerateFiles(PartialPath))
                    File.Move(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
                Directory.Delete(PartialPath);
            }
            else
            {
                if (Directory.Exists(FinalPath)) Directory.Delete(FinalPath); // empty, checked at Prepare
                Directory.Move(PartialPath, FinalPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot move the finished output to '{_displayPath}': {e.Message}", ExitCodes.BadOutput, e);
        }
    }

    /// <summary>Deletes every temporary this target created; missing ones are ignored.</summary>
    public void DeleteTemporaries()
    {
        TryDelete(VideoOnlyPath);
        if (_isSequence)
        {
            try
            {
                if (Directory.Exists(PartialPath)) Directory.Delete(PartialPath, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Cleanup is best effort; the hidden name never collides with real output.
            }
        }
        else
        {
            TryDelete(PartialPath);
        }
    }

    private static void TryDelete(string? path)
    {
        if (path is null) return;
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleanup is best effort; the hidden name never collides with real output.
        }
    }

    private static void CheckFolder(string folder, string outputPath, string token)
    {
        if (!Directory.Exists(folder))
            throw new SynthstageException($"output folder '{folder}' for '{outputPath}' does not exist; create it first", ExitCodes.BadOutput);
        try
        {
            using var probe = new FileStream(Path.Combine(folder, $".synthstage-write-test.{token}"), FileMode.CreateNew,
                FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"output folder '{folder}' is not writable: {e.Message}", ExitCodes.BadOutput, e);
        }
    }

    private static void CreateFolder(string path, string outputPath)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot create a folder beside '{outputPath}': {e.Message}", ExitCodes.BadOutput, e);
        }
    }
}
