using Synthstage.Bench;

return args.FirstOrDefault() switch
{
    "video" => await VideoBenchmark.RunAsync(args[1..]),
    "kernels" => await KernelBenchmark.RunAsync(args[1..]),
    "matte" when args.Contains("--clip") => await RealFrameMatteBenchmark.RunAsync(args[1..]),
    "matte" => await MatteBenchmark.RunAsync(args[1..]),
    "forge" => await RunForgeAsync(args[1..]),
    "hub" => await Synthstage.Bench.Hub.HubBenchmark.RunAsync(args[1..]),
    "diffusion" => await Synthstage.Bench.Diffusion.DiffusionBenchmark.RunAsync(args[1..]),
    "pose" => await PoseBenchmark.RunAsync(args[1..]),
    "pointing" => await PointingBenchmark.RunAsync(args[1..]),
    "provenance" when args.Contains("--embed") => await WatermarkEmbedBenchmark.RunAsync(args[1..]),
    "provenance" => await ProvenanceBenchmark.RunAsync(args[1..]),
    "scene" => await SceneBenchmark.RunAsync(args[1..]),
    "walk" => await Synthstage.Bench.Walks.WalkBenchmark.RunAsync(args[1..]),
    "upscale" => await Synthstage.Bench.Upscaling.SuperResolutionBenchmark.RunAsync(args[1..]),
    "upscale-plate" => await Synthstage.Bench.Upscaling.PlateUpscaleBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static async Task<int> RunForgeAsync(string[] args)
{
    await Synthstage.Bench.Forge.ForgeBenchmark.RunAsync(args);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Synthstage.Bench -- video [--clip FILE] [--runs N] [--memory] [--model NAME] [--refine guided|off] [--smoothing S] [--subject X,Y]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- kernels [MODEL_STORE]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- matte [ITERATIONS] | matte --clip FILE");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- forge forge DIR | unet-step DIR | all");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- diffusion [--model DIR] [--steps 10] [--opt all|extended] [--no-memory]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- pose [CLIP]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- pointing [--clip FILE] [--frames 60] [--rounds 3] [--models general,person] [--subject X,Y@F] [--exclude X,Y@F]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- scene [--clip FILE] [--runs N] | scene --kernels");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- hub [--size-mb 1024] [--runs 3]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- provenance [--clip FILE] [--runs 3] | provenance --embed [--clip FILE]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- walk memory [--runs 3] | full [--frames 4] [--steps 4]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench/Synthstage.Bench -- upscale [--runs 3] [--threads 0] [--size slim|medium] | upscale-plate [--runs 3] [--threads 0]");
    return 2;
}
