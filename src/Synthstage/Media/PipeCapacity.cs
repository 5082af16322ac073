using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Synthstage.Media;

/// <summary>
/// Enlarges a Linux pipe's kernel buffer (64 KiB by default) so ffmpeg can run ahead of the reader by a megabyte
/// and both sides make fewer, larger system calls. Best effort: elsewhere, or when refused, nothing changes.
/// </summary>
internal static partial class PipeCapacity
{
    private const int FSetPipeSize = 1031; // F_SETPIPE_SZ from <linux/fcntl.h>

    /// <summary>Asks for <paramref name="bytes"/> of pipe buffer (capped by /proc/sys/fs/pipe-max-size for non-root).</summary>
    /// <returns>True when the kernel accepted the new size.</returns>
    public static bool TryEnlarge(Stream pipe, int bytes = 1024 * 1024)
    {
        if (!OperatingSystem.IsLinux()) return false;
        SafeHandle? handle = pipe switch
        {
            PipeStream p => p.SafePipeHandle,
            FileStream f => f.SafeFileHandle,
            _ => null,
        };
        if (handle is null || handle.IsInvalid) return false;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Fcntl((int)handle.DangerousGetHandle(), FSetPipeSize, bytes) >= bytes; // -1 on refusal: keep the default size
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
