using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Media;
using Synthstage.Upscaling;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage upscale IN -o OUT [--model esrgan-x2|x3|x4|medium-x4]</c>: a still image to a PNG, or a video to
/// .mp4/.webm/.mov (streamed frame by frame, audio kept) — which one follows from the output's extension.
/// </summary>
internal static class UpscaleCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A still image (PNG, JPEG, WebP) or a video" };
        var output = CommonOptions.Output("The upscaled PNG (for an image) or video (.mp4, .webm, .mov, or a folder for PNG frames)");
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Super-resolution model ({string.Join(", ", EsrganModel.Names)}; UpscalerJS ESRGAN, MIT), or a converted .onnx file",
            DefaultValueFactory = _ => "esrgan-x2",
        };
        var threads = new Option<int>("--threads") { Description = "Threads for the model (0 = one per core)", DefaultValueFactory = _ => 0 };
        var tile = new Option<int?>("--tile") { Description = "Tile side in input pixels (default: about 512 output pixels); memory grows with its square, not with the frame" };
        var device = CommonOptions.Device();
        var noAudio = CommonOptions.NoAudio();
        var encoder = new EncoderOptions();
        var noWatermark = CommonOptions.NoWatermark();
        var label = CommonOptions.Label();
        var signing = new CommonOptions.Signing();
        var command = new Command("upscale", "Enlarge an image or a video with a super-resolution model, tile by tile")
        {
            input, output, model, threads, tile, device, noAudio, noWatermark, label,
        };
        encoder.AddTo(command);
        signing.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var superResolution = new SuperResolutionOptions
            {
                IntraOpThreads = result.GetValue(threads),
                TileSize = result.GetValue(tile),
                Device = result.GetValue(device)!.Device,
            };
            var provenance = CommonOptions.ReadProvenance(result, noWatermark, label, signing);
            var (inputPath, outputPath) = (result.GetValue(input)!, result.GetValue(output)!);
            var encoding = encoder.Read(result);
            if (encoding.FormatFor(outputPath) == OutputFormat.Png)
            {
                var options = new ImageUpscaleOptions { Model = result.GetValue(model)!, SuperResolution = superResolution, Provenance = provenance };
                var done = await ConsoleProgress.RunAsync(progress => ImageUpscaleJob.RunAsync(inputPath, outputPath, options, progress, token));
                System.Console.WriteLine($"wrote {done.OutputPath} ({done.Width}×{done.Height}, ×{done.Factor}) in {done.Elapsed.TotalSeconds:F2} s");
                return ExitCodes.Success;
            }
            var video = new VideoUpscaleOptions
            {
                Model = result.GetValue(model)!,
                SuperResolution = superResolution,
                Encoder = encoding,
                KeepAudio = !result.GetValue(noAudio),
                Provenance = provenance,
            };
            var written = await ConsoleProgress.RunAsync(progress => VideoUpscaleJob.RunAsync(inputPath, outputPath, video, progress, token));
            if (written.Warning is { } warning) System.Console.Error.WriteLine($"warning: {warning}");
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {written.OutputPath} ({written.Frames} frames, {written.Width}×{written.Height}, ×{written.Factor}) in {written.Elapsed.TotalSeconds:F1} s ({written.Elapsed.TotalSeconds / written.Frames:F2} s/frame)"));
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
