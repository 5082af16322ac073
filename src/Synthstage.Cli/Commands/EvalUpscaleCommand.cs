using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Upscaling;
using Synthstage.Upscaling.Evaluation;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage eval upscale VIDEO|IMAGE… [--models esrgan-x2,medium-x4]</c>: super-resolution against Lanczos-3 on real pictures.</summary>
internal static class EvalUpscaleCommand
{
    public static Command Create()
    {
        var defaults = new UpscaleEvaluationOptions();
        var inputs = new Argument<string[]>("inputs") { Description = "Videos (frames spread over each) and still images: the originals", Arity = ArgumentArity.OneOrMore };
        var frames = new Option<int>("--frames") { Description = "Frames taken from each video", DefaultValueFactory = _ => defaults.FramesPerVideo };
        var models = new Option<string>("--models")
        {
            Description = $"Comma-separated models ({string.Join(", ", EsrganModel.Names)}), installed on first use",
            DefaultValueFactory = _ => string.Join(",", defaults.Models),
        };
        var cubic = new Option<double>("--shrink-cubic") { Description = "The shrink's cubic parameter a (−0.5: MATLAB, as the models' training data; −0.6 ≈ ffmpeg's bicubic)", DefaultValueFactory = _ => defaults.ShrinkCubic };
        var antialias = ChoiceOption.OnOff("--shrink-antialias", "Low-pass the shrink by stretching the kernel (MATLAB's imresize default)", Switch.On);
        var preShrink = new Option<int>("--pre-shrink") { Description = "Shrink the originals by this factor first (MATLAB bicubic): a sharper ground truth than compressed video", DefaultValueFactory = _ => 1 };
        var border = new Option<int?>("--border") { Description = "Pixels cropped from every side before scoring (default: the scale factor, as SR papers do)" };
        var tile = new Option<int?>("--tile") { Description = "Tile side in input pixels (a tile larger than the frame runs it whole)" };
        var threads = new Option<int>("--threads") { Description = "Threads for the model (0 = one per core)", DefaultValueFactory = _ => 0 };
        var crop = new Option<string?>("--crop") { Description = "Write a 300 % crop of the first frame (original | Lanczos | first model) to this PNG" };
        var perFrame = new Option<bool>("--per-frame") { Description = "Also print every frame's scores" };
        var command = new Command("upscale", "Score super-resolution on real pictures: shrink ×2/×4 (bicubic), enlarge back with each model and Lanczos-3, PSNR and SSIM on luma")
        {
            inputs, frames, models, cubic, antialias, preShrink, border, tile, threads, crop, perFrame,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = new UpscaleEvaluationOptions
            {
                Inputs = result.GetValue(inputs)!,
                FramesPerVideo = result.GetValue(frames),
                Models = result.GetValue(models)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                ShrinkCubic = result.GetValue(cubic),
                ShrinkAntialias = result.GetValue(antialias) == Switch.On,
                Border = result.GetValue(border),
                PreShrink = result.GetValue(preShrink),
                SuperResolution = new SuperResolutionOptions { TileSize = result.GetValue(tile), IntraOpThreads = result.GetValue(threads) },
                CropPath = result.GetValue(crop),
            };
            var scores = await ConsoleProgress.RunAsync(progress => UpscaleEvaluation.RunAsync(options, progress, token));
            Print(scores, result.GetValue(perFrame));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static void Print(UpscaleScores s, bool perFrame)
    {
        var c = CultureInfo.InvariantCulture;
        var frames = s.Methods.Count > 0 ? s.Methods[0].Frames : 0;
        System.Console.WriteLine(string.Create(c, $"{frames} originals ({s.Size}), shrunk with {s.Shrink}; PSNR and SSIM on BT.601 luma Y, {(s.Border is { } b ? $"{b} px" : "the scale factor's pixels")} cropped from every side"));
        System.Console.WriteLine("method        factor  PSNR-Y dB  SSIM-Y   PSNR-RGB dB  vs Lanczos-3 (PSNR-Y)      ms/MP out");
        foreach (var m in s.Methods)
        {
            var lanczos = s.Methods.First(l => l.Factor == m.Factor && l.Method.StartsWith("lanczos", StringComparison.Ordinal));
            var versus = m.Method.StartsWith("lanczos", StringComparison.Ordinal) ? "" : string.Create(c, $"{m.PsnrY - lanczos.PsnrY:+0.00;-0.00;±0.00} dB, better on {m.FramesBetterThanLanczos}/{m.Frames}");
            System.Console.WriteLine(string.Create(c, $"{m.Method,-13} ×{m.Factor,-5} {m.PsnrY,9:F2}  {m.SsimY,7:F4}  {m.PsnrRgb,11:F2}  {versus,-25} {(double.IsNaN(m.MillisecondsPerMegapixel) ? "" : m.MillisecondsPerMegapixel.ToString("F0", c)),9}"));
        }
        if (perFrame)
            foreach (var f in s.PerFrame)
                System.Console.WriteLine(string.Create(c, $"  {f.Frame,-20} {f.Method,-13} ×{f.Factor} {f.PsnrY:F2} dB {f.SsimY:F4}"));
        if (s.CropPath is { } crop) System.Console.WriteLine($"wrote {crop} (original | Lanczos-3 | {s.Methods.FirstOrDefault(m => !m.Method.StartsWith("lanczos", StringComparison.Ordinal) && !m.Method.StartsWith("bicubic", StringComparison.Ordinal))?.Method}, 300 %)");
    }
}
