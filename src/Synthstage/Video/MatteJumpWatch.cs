using System.Globalization;
using Synthstage.Imaging;

namespace Synthstage.Video;

/// <summary>
/// Notices when a model loses or suddenly finds its subject: the matte changes over a large area where the picture
/// did not move (a collapse like a selfie model dropping a person whose face is out of shot, or a jump onto the
/// background). The frame and the matte are laid on one grid of cells about four mask pixels wide; a cell is
/// unexplained when its mean matte changed by more than <see cref="CellMatteChange"/> while its mean luma changed by at
/// most <see cref="StillLumaChange"/> levels (<see cref="PictureMotion"/>). A frame jumps when at least
/// <see cref="JumpShare"/> of the cells are unexplained. A jump that lowers the coverage opens a collapse, which lasts
/// until the coverage is back to half what it was before; jumps a few frames apart are reported as one range.
/// Feed frames in order; allocation-free per frame.
/// </summary>
public sealed class MatteJumpWatch
{
    /// <summary>Change of a cell's mean matte (0..1) that counts as the matte changing there.</summary>
    public const float CellMatteChange = 0.5f;

    /// <summary>Largest change of a cell's mean luma (levels of 255) that still counts as a still picture.</summary>
    public const float StillLumaChange = 3f;

    /// <summary>Share of the cells that must change unexplained for a frame to count as a jump.</summary>
    public const double JumpShare = 0.02;

    /// <summary>Ranges this many frames apart or closer are reported as one.</summary>
    public const int MergeGap = 3;

    private const int MaskPixelsPerCell = 4;

    private readonly PictureMotion _motion;
    private readonly int _maskWidth, _maskHeight;
    private readonly int[] _cellOfMaskColumn;
    private readonly int[] _cellOfMaskRow;
    private readonly float[] _inverseCount;
    private readonly float[] _pictureChange;
    private float[] _matte;
    private float[] _previousMatte;
    private readonly List<MatteJump> _jumps = [];
    private bool _hasPrevious;
    private double _previousCoverage;
    private double? _collapseFrom;

    /// <summary>Watches mattes of <paramref name="maskWidth"/>×<paramref name="maskHeight"/> over frames of frameWidth×frameHeight.</summary>
    public MatteJumpWatch(int frameWidth, int frameHeight, int maskWidth, int maskHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maskWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maskHeight, 1);
        var cellsX = Math.Clamp(maskWidth / MaskPixelsPerCell, 1, frameWidth);
        var cellsY = Math.Clamp(maskHeight / MaskPixelsPerCell, 1, frameHeight);
        // Every 4th pixel of every 4th row: the cells are about 20 px wide at 720p, so their means barely change, and
        // the watch costs a sixteenth of reading the whole frame on the render's segment stage.
        _motion = new PictureMotion(frameWidth, frameHeight, cellsX, cellsY, sampleStep: 4);
        (_maskWidth, _maskHeight) = (maskWidth, maskHeight);
        _cellOfMaskColumn = new int[maskWidth];
        for (var x = 0; x < maskWidth; x++) _cellOfMaskColumn[x] = (int)((long)x * cellsX / maskWidth);
        _cellOfMaskRow = new int[maskHeight];
        for (var y = 0; y < maskHeight; y++) _cellOfMaskRow[y] = (int)((long)y * cellsY / maskHeight);
        var counts = new int[cellsX * cellsY];
        for (var y = 0; y < maskHeight; y++)
            for (var x = 0; x < maskWidth; x++)
                counts[_cellOfMaskRow[y] * cellsX + _cellOfMaskColumn[x]]++;
        _inverseCount = counts.Select(c => c == 0 ? 0f : 1f / c).ToArray();
        _pictureChange = new float[cellsX * cellsY];
        _matte = new float[cellsX * cellsY];
        _previousMatte = new float[cellsX * cellsY];
    }

    /// <summary>The ranges found so far, in frame order (the last may still grow).</summary>
    public IReadOnlyList<MatteJump> Jumps => _jumps;

    /// <summary>
    /// Takes frame <paramref name="index"/> (packed 8-bit, <paramref name="channels"/> bytes per pixel) and its shaped
    /// low-resolution matte; returns true when this frame starts a new reported range.
    /// </summary>
    public bool Next(int index, ReadOnlySpan<byte> frame, int channels, ReadOnlySpan<float> mask)
    {
        if (mask.Length < _maskWidth * _maskHeight) throw new ArgumentException($"mask holds {mask.Length} values; expected {_maskWidth * _maskHeight}", nameof(mask));
        _motion.Next(frame, channels, _pictureChange);
        (_matte, _previousMatte) = (_previousMatte, _matte);
        var cells = _matte.AsSpan();
        cells.Clear();
        double sum = 0;
        var cellsX = _motion.CellsX;
        for (var y = 0; y < _maskHeight; y++)
        {
            var row = mask.Slice(y * _maskWidth, _maskWidth);
            var cellRow = cells.Slice(_cellOfMaskRow[y] * cellsX, cellsX);
            for (var x = 0; x < row.Length; x++)
            {
                cellRow[_cellOfMaskColumn[x]] += row[x];
                sum += row[x];
            }
        }
        for (var c = 0; c < cells.Length; c++) cells[c] *= _inverseCount[c];
        var coverage = sum / (_maskWidth * _maskHeight);
        if (!_hasPrevious)
        {
            _hasPrevious = true;
            _previousCoverage = coverage;
            return false;
        }
        var unexplained = 0;
        for (var c = 0; c < cells.Length; c++)
            if (MathF.Abs(cells[c] - _previousMatte[c]) > CellMatteChange && _pictureChange[c] <= StillLumaChange) unexplained++;
        var jumped = unexplained >= JumpShare * cells.Length;
        var before = _previousCoverage;
        _previousCoverage = coverage;
        if (_collapseFrom is { } level)
        {
            if (coverage >= 0.5 * level) _collapseFrom = null;
            else
            {
                Extend(index, coverage);
                return false;
            }
        }
        if (!jumped) return false;
        if (coverage < before) _collapseFrom = before;
        return Add(index, before, coverage);
    }

    /// <summary>One line naming every range, or null when the matte never jumped.</summary>
    public string? Warning()
    {
        if (_jumps.Count == 0) return null;
        var ranges = string.Join(", ", _jumps.Select(j => j.ToString()));
        return $"the matte jumped where the picture did not move (frames {ranges}): the model lost or suddenly found the subject there; "
            + "check those frames, or try another --model (person keys whole bodies and people whose face is out of shot)";
    }

    private bool Add(int index, double before, double after)
    {
        if (_jumps.Count > 0 && index - _jumps[^1].LastFrame <= MergeGap + 1)
        {
            Extend(index, after);
            return false;
        }
        _jumps.Add(new MatteJump(index, index, before, after));
        return true;
    }

    private void Extend(int index, double coverage)
    {
        var last = _jumps[^1];
        _jumps[^1] = last with { LastFrame = index, CoverageAfter = last.CoverageAfter < last.CoverageBefore ? Math.Min(last.CoverageAfter, coverage) : last.CoverageAfter };
    }
}

/// <summary>
/// Frames over which the matte jumped or stayed collapsed, and its coverage (share of the frame) before the range and
/// after the jump (for a collapse, the lowest it fell to).
/// </summary>
public readonly record struct MatteJump(int FirstFrame, int LastFrame, double CoverageBefore, double CoverageAfter)
{
    /// <summary>"150–286 (coverage 0.66 → 0.02)", or one frame number.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(FirstFrame == LastFrame ? $"{FirstFrame}" : $"{FirstFrame}–{LastFrame}")} (coverage {CoverageBefore:0.00} → {CoverageAfter:0.00})");
}
