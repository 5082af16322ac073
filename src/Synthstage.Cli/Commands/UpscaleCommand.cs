using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Upscaling;

namespace Synthstage.Cli.Commands;

/// <summary><c>synthstage upscale IN.png -o OUT.png [--model esrgan-x2|x3|x4|medium-x4]</c>.</summary>
internal static class UpscaleCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A still image (PNG, JPEG, WebP)" };
        var output = CommonOptions.Output("The upscaled PNG");
        var model = new Option<string>("--model", "-m")
        {
            Description = $"Super-resolution model ({string.Join(", ", EsrganModel.Names)}; UpscalerJS ESRGAN, MIT), or a converted .onnx file",
            DefaultValueFactory = _ => "esrgan-x2",
        };
        var threads = new Option<int>("--threads") { Description = "Threads for the model (0 = one per core)", DefaultValueFactory = _ => 0 };
        var device = CommonOptions.Device();
        var noWatermark = CommonOptions.NoWatermark();
        var label = CommonOptions.Label();
        var signing = new CommonOptions.Signing();
        var command = new Command("upscale", "Enlarge an image with a super-resolution model, tile by tile")
        {
            input, output, model, threads, device, noWatermark, label,
        };
        signing.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = new ImageUpscaleOptions
            {
                Model = result.GetValue(model)!,
                SuperResolution = new SuperResolutionOptions { IntraOpThreads = result.GetValue(threads), Device = result.GetValue(device)!.Device },
                Provenance = CommonOptions.ReadProvenance(result, noWatermark, label, signing),
            };
            var done = await ConsoleProgress.RunAsync(progress => ImageUpscaleJob.RunAsync(result.GetValue(input)!, result.GetValue(output)!, options, progress, token));
            System.Console.WriteLine($"wrote {done.OutputPath} ({done.Width}×{done.Height}, ×{done.Factor}) in {done.Elapsed.TotalSeconds:F2} s");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
