using System.Globalization;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>How much memory a run may still take: Linux's <c>MemAvailable</c>, capped by the runtime's own limit.</summary>
internal static class AvailableMemory
{
    /// <summary>Bytes available now; the runtime's view of physical memory where <c>/proc/meminfo</c> cannot be read.</summary>
    public static long Bytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var kb = long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return Math.Min(kb * 1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux or not readable: fall back to the runtime's view of physical memory.
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}
