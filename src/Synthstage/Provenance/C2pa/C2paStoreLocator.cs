using System.Buffers.Binary;

namespace Synthstage.Provenance.C2pa;

/// <summary>A manifest store found for a file.</summary>
/// <param name="Source">"embedded (PNG caBX chunk)", "embedded (JPEG APP11)", "embedded (BMFF uuid box)" or "sidecar PATH".</param>
/// <param name="Store">The store's JUMBF bytes.</param>
/// <param name="SidecarPath">The sidecar's path for a sidecar store, else null.</param>
public sealed record FoundStore(string Source, byte[] Store, string? SidecarPath);

/// <summary>What <see cref="C2paStoreLocator.FindAsync"/> learned about a file.</summary>
/// <param name="Stores">Every manifest store found, embedded ones first.</param>
/// <param name="Container">The container recognised: png, jpeg, bmff, or null for one C2PA reading does not support here.</param>
/// <param name="Problem">Why the file's structure could not be read (truncated chunk or box), or null.</param>
public sealed record StoreSearch(IReadOnlyList<FoundStore> Stores, string? Container, string? Problem);

/// <summary>Finds C2PA manifest stores: inside PNG, JPEG and ISO BMFF (MP4/MOV) files, and in a <c>.c2pa</c> sidecar.</summary>
public static class C2paStoreLocator
{
    /// <summary>Looks in <paramref name="path"/> (a file or a PNG-sequence folder) and beside it.</summary>
    public static async Task<StoreSearch> FindAsync(string path, CancellationToken ct = default)
    {
        var stores = new List<FoundStore>();
        string? container = null;
        string? problem = null;
        if (File.Exists(path))
        {
            var head = new byte[12];
            await using (var stream = File.OpenRead(path))
            {
                var got = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                try
                {
                    if (got >= 8 && PngManifestChunk.IsPng(head))
                    {
                        container = "png";
                        var png = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
                        stores.AddRange(PngManifestChunk.Find(png).Select(f => new FoundStore("embedded (PNG caBX chunk)", f.Store, null)));
                    }
                    else if (got >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
                    {
                        container = "jpeg";
                        var jpeg = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
                        stores.AddRange(JpegManifestSegments.Find(jpeg).Select(s => new FoundStore("embedded (JPEG APP11 segments)", s, null)));
                    }
                    else if (got >= 8 && System.Text.Encoding.Latin1.GetString(head, 4, 4) is "ftyp")
                    {
                        container = "bmff";
                        stores.AddRange((await FindInBmffAsync(stream, ct).ConfigureAwait(false)).Select(s => new FoundStore("embedded (BMFF uuid box)", s, null)));
                    }
                }
                catch (Exception e) when (e is JumbfFormatException or InvalidDataException or EndOfStreamException or SynthstageException)
                {
                    problem = e.Message;
                }
            }
        }
        var sidecar = C2paSigner.SidecarPath(path);
        if (File.Exists(sidecar) && !string.Equals(Path.GetFullPath(sidecar), Path.GetFullPath(path), StringComparison.Ordinal))
            stores.Add(new FoundStore($"sidecar {sidecar}", await File.ReadAllBytesAsync(sidecar, ct).ConfigureAwait(false), sidecar));
        return new StoreSearch(stores, container, problem);
    }

    private static async Task<List<byte[]>> FindInBmffAsync(Stream stream, CancellationToken ct)
    {
        var found = new List<byte[]>();
        foreach (var box in await BmffManifestBox.TopLevelBoxesAsync(stream, ct).ConfigureAwait(false))
        {
            if (!box.IsC2pa) continue;
            if (box.Length > int.MaxValue) throw new InvalidDataException("a C2PA uuid box is larger than 2 GB");
            var bytes = new byte[box.Length];
            stream.Position = box.Offset;
            await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            var headerLength = BinaryPrimitives.ReadUInt32BigEndian(bytes) == 1 ? 16 : 8;
            if (BmffManifestBox.StoreOf(bytes, headerLength) is { } store) found.Add(store);
        }
        return found;
    }
}
