namespace Synthstage;

/// <summary>
/// Writes a file under a temporary name beside it and renames it into place once it is complete, so a failure or a
/// kill never leaves a half-written file under the final name.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, replacing an existing file only when writing succeeded.</summary>
    /// <param name="path">The final file.</param>
    /// <param name="write">Writes the whole content into the stream it is given.</param>
    /// <param name="what">What the file is, for the error message ("the ONNX model").</param>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.BadOutput"/> when the file cannot be written; the temporary file is removed.</exception>
    public static void Write(string path, Action<Stream> write, string what)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = path + ".partial";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                write(stream);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new SynthstageException($"cannot write {what} to {path}: {e.Message}", ExitCodes.BadOutput, e);
        }
    }
}
