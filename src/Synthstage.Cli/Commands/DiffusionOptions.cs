using System.CommandLine;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Cli.Commands;

/// <summary>
/// The Stable Diffusion settings <c>generate</c>, <c>walk</c> and <c>composite --prompt</c> share, declared once:
/// denoising steps, guidance scale and scheduler. The scheduler names come from <see cref="SchedulerFactory.Names"/>,
/// so help lists exactly what the registry can build.
/// </summary>
internal sealed class DiffusionOptions
{
    public Option<int> Steps { get; } = new("--steps") { Description = "Denoising steps (default: the model's recommendation, 1 for SD-Turbo, 4 for LCM, else 25)", DefaultValueFactory = _ => 25 };

    public Option<float> Guidance { get; } = new("--guidance", "-g") { Description = "Classifier-free guidance scale (≤ 1 turns it off; default: the model's recommendation, 0 for SD-Turbo, 8.5 for LCM, else 7.5)", DefaultValueFactory = _ => 7.5f };

    public Option<string?> Scheduler { get; } = ChoiceOption.Create<string?>("--scheduler", "Scheduler (default: the model's own; lcm for LCM models)",
        new Choices<string?>(SchedulerFactory.Names.Select(name => (name, (string?)name)).ToArray()), null);

    /// <summary>
    /// The three values as typed, each one left out replaced by <see cref="RecommendedSettings.ForName"/> of
    /// <paramref name="model"/> (SD-Turbo: 1 step, guidance 0; LCM: 4 steps, guidance 8.5, lcm; else 25 and 7.5).
    /// </summary>
    public (int Steps, float Guidance, string? Scheduler) ReadOrRecommended(ParseResult result, string model)
    {
        var recommended = RecommendedSettings.ForName(model);
        return (
            result.GetResult(Steps) is { Implicit: false } ? result.GetValue(Steps) : recommended.Steps,
            result.GetResult(Guidance) is { Implicit: false } ? result.GetValue(Guidance) : recommended.GuidanceScale,
            result.GetValue(Scheduler) ?? recommended.Scheduler);
    }

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Steps, Guidance, Scheduler })
            command.Options.Add(option);
    }
}
