using Synthstage.Bench;

return args.FirstOrDefault() switch
{
    "video" => await VideoBenchmark.RunAsync(args[1..]),
    "kernels" => await KernelBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Synthstage.Bench -- video [--clip FILE] [--runs N] [--memory]");
    return 2;
}
