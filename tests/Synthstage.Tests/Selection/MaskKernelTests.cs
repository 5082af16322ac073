using Synthstage.Selection;

namespace Synthstage.Tests.Selection;

/// <summary>
/// The mask-resolution kernels the selection runs on every frame, each against a plain reference written the slow,
/// obvious way: the dilation against a brute-force window, the bucket-queue split against a heap Dijkstra with
/// float costs, the run-based regions against a flood fill, and the pieces against hand-placed shapes.
/// </summary>
public sealed class MaskKernelTests
{
    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(37, 23, 0)]
    [InlineData(37, 23, 2)]
    [InlineData(256, 144, 3)]
    [InlineData(1100, 3, 2)]
    public void Dilation_matches_a_brute_force_square_window(int width, int height, int radius)
    {
        var random = new Random(width * 31 + height);
        var source = Enumerable.Range(0, width * height).Select(_ => random.NextDouble() < 0.03 ? 1f : 0f).ToArray();
        var destination = new float[source.Length];
        BinaryDilation.Apply(source, destination, new float[source.Length], width, height, radius);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var any = false;
            for (var dy = -radius; dy <= radius && !any; dy++)
            for (var dx = -radius; dx <= radius && !any; dx++)
            {
                var (px, py) = (x + dx, y + dy);
                any = px >= 0 && py >= 0 && px < width && py < height && source[py * width + px] > 0;
            }
            Assert.True(destination[y * width + x] == (any ? 1 : 0), $"pixel {x},{y}");
        }
    }

    [Fact]
    public void Split_follows_the_colour_edge_rather_than_the_midpoint()
    {
        // A warm surface (x < 30) meets a neutral one; the subject's seed is at x = 2, the exclusion's at x = 37.
        const int width = 40, height = 12;
        var colours = Colours(width, height, (x, _) => x < 30 ? (230, 210, 180) : (225, 225, 225));
        var owner = new byte[width * height];
        for (var y = 0; y < height; y++) (owner[y * width + 2], owner[y * width + 37]) = (GeodesicSplit.Subject, GeodesicSplit.Excluded);
        new GeodesicSplit().Run(owner, new int[width * height], 0, colours, width, height);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            Assert.Equal(x < 30 ? GeodesicSplit.Subject : GeodesicSplit.Excluded, owner[y * width + x]);
    }

    [Fact]
    public void Split_agrees_with_a_heap_dijkstra_wherever_one_seed_is_clearly_nearer()
    {
        const int width = 64, height = 48;
        var random = new Random(7);
        // Blobs of colour with noise, two regions (labels 0 and 1) and pixels off the matte (−1).
        var colours = Colours(width, height, (x, y) =>
        {
            var band = (x / 9 + y / 7) % 3 * 60;
            return (band + random.Next(12), 100 + random.Next(12), 200 - band + random.Next(12));
        });
        var labels = Enumerable.Range(0, width * height).Select(i => i % width == 40 && i / width < 40 ? -1 : random.NextDouble() < 0.04 ? -1 : 0).ToArray();
        var owner = new byte[width * height];
        foreach (var (x, y, kind) in new[] { (3, 3, GeodesicSplit.Subject), (60, 44, GeodesicSplit.Excluded), (50, 5, GeodesicSplit.Excluded), (10, 40, GeodesicSplit.Subject) })
            (owner[y * width + x], labels[y * width + x]) = (kind, 0);
        var reference = Reference(owner, labels, colours, width, height);
        new GeodesicSplit().Run(owner, labels, 0, colours, width, height);

        var compared = 0;
        for (var i = 0; i < owner.Length; i++)
        {
            if (labels[i] != 0) { Assert.Equal(GeodesicSplit.None, owner[i]); continue; }
            var (subject, excluded) = reference[i];
            // The split's costs are eighths of a step: over a path of a hundred steps they drift by under a few steps.
            if (Math.Abs(subject - excluded) < 4) continue;
            Assert.True((subject < excluded ? GeodesicSplit.Subject : GeodesicSplit.Excluded) == owner[i], $"pixel {i % width},{i / width}: {subject:F1} against {excluded:F1}");
            compared++;
        }
        Assert.True(compared > owner.Length * 3 / 4, $"only {compared} pixels had a clear winner");
    }

    [Fact]
    public void Pieces_keep_the_largest_those_a_quarter_its_size_and_the_pointed_ones()
    {
        const int width = 30, height = 20;
        var owner = new byte[width * height];
        Array.Fill(owner, GeodesicSplit.Excluded);
        void Fill(int x0, int y0, int x1, int y1)
        {
            for (var y = y0; y < y1; y++)
            for (var x = x0; x < x1; x++) owner[y * width + x] = GeodesicSplit.Subject;
        }
        Fill(0, 0, 10, 10);    // 100 pixels: the largest
        Fill(10, 10, 15, 15);  // 25, touching the largest only at a corner: a piece of its own, kept (≥ 100 / 4)
        Fill(15, 5, 18, 10);   // 15, touching that one only at its other corner: dropped
        Fill(20, 0, 24, 4);    // 16: dropped
        Fill(20, 10, 22, 12);  // 4: dropped
        Fill(26, 16, 28, 18);  // 4, pointed at: kept
        // A U shape whose arms meet only through the bottom row: one piece of 3 × 7 + 3 × 7 + 3 = 45.
        Fill(0, 12, 3, 19); Fill(6, 12, 9, 19); Fill(0, 19, 9, 20);
        var labels = new int[width * height];
        labels[5 * width + 29] = -1;  // off the region: left alone
        owner[5 * width + 29] = GeodesicSplit.None;
        var before = (byte[])owner.Clone();

        new SubjectPieces().KeepLargest(owner, labels, 0, width, height, [17 * width + 26]);

        for (var i = 0; i < owner.Length; i++)
        {
            var (x, y) = (i % width, i / width);
            var dropped = (x is >= 15 and < 18 && y is >= 5 and < 10) || (x is >= 20 and < 24 && y < 4) || (x is >= 20 and < 22 && y is >= 10 and < 12);
            Assert.True((dropped ? GeodesicSplit.Excluded : before[i]) == owner[i], $"pixel {x},{y}");
        }
    }

    [Theory]
    [InlineData(1, 1, 0.5)]
    [InlineData(37, 23, 0.45)]
    [InlineData(256, 144, 0.55)]
    [InlineData(5, 300, 0.6)]
    public void Components_match_a_flood_fill_in_labels_areas_and_centres(int width, int height, double density)
    {
        var random = new Random(width + height);
        var mask = Enumerable.Range(0, width * height).Select(_ => random.NextDouble() < density ? (float)random.NextDouble() * 0.5f + 0.5f : (float)random.NextDouble() * 0.49f).ToArray();
        var components = new MaskComponents();
        components.Find(mask, width, height);

        // The reference: a flood fill from each unlabelled pixel on the matte, in raster order.
        var labels = Enumerable.Repeat(-1, mask.Length).ToArray();
        var regions = new List<(int Area, double X, double Y)>();
        for (var start = 0; start < mask.Length; start++)
        {
            if (labels[start] >= 0 || mask[start] < MaskComponents.On) continue;
            var (area, sx, sy) = (0, 0.0, 0.0);
            var stack = new Stack<int>([start]);
            labels[start] = regions.Count;
            while (stack.TryPop(out var i))
            {
                var (x, y) = (i % width, i / width);
                (area, sx, sy) = (area + 1, sx + x, sy + y);
                foreach (var j in new[] { x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1 })
                    if (j >= 0 && labels[j] < 0 && mask[j] >= MaskComponents.On) { labels[j] = regions.Count; stack.Push(j); }
            }
            regions.Add((area, sx / area, sy / area));
        }

        Assert.Equal(labels, components.Labels);
        Assert.Equal(regions.Count, components.Count);
        for (var c = 0; c < regions.Count; c++)
        {
            Assert.Equal(regions[c].Area, components.Area(c));
            var (x, y) = components.Centre(c);
            Assert.Equal(regions[c].X, x, 3);
            Assert.Equal(regions[c].Y, y, 3);
        }
    }

    private static MaskColours Colours(int width, int height, Func<int, int, (int R, int G, int B)> colour)
    {
        // One frame pixel per mask pixel: each mask pixel's colour is that pixel's.
        var frame = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var (r, g, b) = colour(x, y);
            (frame[(y * width + x) * 3], frame[(y * width + x) * 3 + 1], frame[(y * width + x) * 3 + 2]) = ((byte)r, (byte)g, (byte)b);
        }
        var colours = new MaskColours();
        colours.Sample(frame, width, height, width, height);
        return colours;
    }

    /// <summary>Each pixel's cheapest path cost from the subject's seeds and from the exclusion's, in flat steps.</summary>
    private static (double Subject, double Excluded)[] Reference(byte[] owner, int[] labels, MaskColours colours, int width, int height)
    {
        double[] From(byte kind)
        {
            var cost = Enumerable.Repeat(double.MaxValue, owner.Length).ToArray();
            var queue = new PriorityQueue<int, double>();
            for (var i = 0; i < owner.Length; i++)
                if (owner[i] == kind) { cost[i] = 0; queue.Enqueue(i, 0); }
            while (queue.TryDequeue(out var i, out var c))
            {
                if (c > cost[i]) continue;
                var (x, y) = (i % width, i / width);
                foreach (var j in new[] { x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1 })
                {
                    if (j < 0 || labels[j] != 0) continue;
                    var d = colours.Difference(i, j) / 8.0;
                    var next = c + Math.Min(4095 / 8.0, 1 + d * d);
                    if (next < cost[j]) { cost[j] = next; queue.Enqueue(j, next); }
                }
            }
            return cost;
        }
        var (s, e) = (From(GeodesicSplit.Subject), From(GeodesicSplit.Excluded));
        return s.Zip(e).ToArray();
    }
}
