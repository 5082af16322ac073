using System.CommandLine;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Cli.Commands;

/// <summary>
/// The Stable Diffusion settings <c>generate</c>, <c>walk</c> and <c>composite --prompt</c> share, declared once:
/// denoising steps, guidance scale and scheduler. The scheduler names come from <see cref="SchedulerFactory.Names"/>,
/// so help lists exactly what the registry can build.
/// </summary>
internal sealed class DiffusionOptions
{
    public Option<int> Steps { get; } = new("--steps") { Description = "Denoising steps (generate: the model's recommendation when left out, 1 for SD-Turbo, 4 for LCM)", DefaultValueFactory = _ => 25 };

    public Option<float> Guidance { get; } = new("--guidance", "-g") { Description = "Classifier-free guidance scale (≤ 1 turns it off; generate: 0 for SD-Turbo, 8.5 for LCM when left out)", DefaultValueFactory = _ => 7.5f };

    public Option<string?> Scheduler { get; } = ChoiceOption.Create<string?>("--scheduler", "Scheduler (default: the model's own)",
        new Choices<string?>(SchedulerFactory.Names.Select(name => (name, (string?)name)).ToArray()), null);

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Steps, Guidance, Scheduler })
            command.Options.Add(option);
    }
}
