using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Models;
using Synthstage.Studio;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage studio [--port 7860] [--host 127.0.0.1] [--token T] [--data DIR]</c>: the local web app. A token the
/// studio makes is printed once, in the address to open; one given with --token is never printed.
/// </summary>
internal static class StudioCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => StudioSettings.DefaultPort };
        var host = new Option<string>("--host") { Description = "Address to listen on; anything but loopback needs a token", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = "The token every request must carry (made for you when --host is not loopback)" };
        var data = new Option<string?>("--data") { Description = "Folder for uploads, the job store and outputs (default: $SYNTHSTAGE_HOME/studio)" };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest upload accepted, in MB", DefaultValueFactory = _ => 2048 };
        var partSeconds = new Option<double>("--part-seconds")
        {
            Description = "Seconds of video per resumable part of a render: the most a crash costs (shorter parts add encoder restarts)",
            DefaultValueFactory = _ => StudioSettings.DefaultPartSeconds,
        };
        var command = new Command("studio", "Synthstage Studio: key, composite, render and check videos in your browser")
        {
            port, host, token, data, maxUpload, partSeconds,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async cancel =>
        {
            var hostValue = result.GetValue(host)!;
            var given = result.GetValue(token);
            var made = given is null && !StudioSettings.IsLoopbackHost(hostValue) ? StudioServer.NewToken() : null;
            if (result.GetValue(maxUpload) <= 0) throw new SynthstageException("--max-upload-mb must be more than 0", ExitCodes.Usage);
            var settings = new StudioSettings
            {
                Host = hostValue,
                Port = result.GetValue(port),
                Token = given ?? made,
                DataFolder = Path.GetFullPath(result.GetValue(data) ?? Path.Combine(ModelStore.DefaultRoot(), "studio")),
                MaxUploadBytes = result.GetValue(maxUpload) * 1024L * 1024,
                PartSeconds = result.GetValue(partSeconds),
            };
            await using var app = await StudioServer.StartAsync(settings, cancel);
            var address = StudioServer.Address(app);
            var shown = address.Replace("://0.0.0.0:", "://" + Environment.MachineName + ":", StringComparison.Ordinal).Replace("://[::]:", "://" + Environment.MachineName + ":", StringComparison.Ordinal);
            System.Console.WriteLine(made is not null
                ? $"Synthstage Studio: open {shown}/?token={made}  (the token is shown only now)"
                : given is not null
                    ? $"Synthstage Studio: open {shown}/?token=YOUR_TOKEN  (the token you gave with --token)"
                    : $"Synthstage Studio: open {shown}/");
            System.Console.WriteLine($"data folder {settings.DataFolder}; Ctrl+C stops (a render in progress resumes at the next start)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancel);
            }
            catch (OperationCanceledException)
            {
            }
            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
