namespace Synthstage.Walks;

/// <summary>One keyframe of a walk: the image <c>synthstage generate</c> makes from this prompt, seed and negative prompt.</summary>
/// <param name="Prompt">Text prompt (empty = unconditional).</param>
/// <param name="Seed">Seed of the torch-compatible generator that draws the keyframe's initial noise.</param>
/// <param name="NegativePrompt">Negative prompt; empty for none.</param>
public sealed record WalkKeyframe(string Prompt, ulong Seed, string NegativePrompt = "")
{
    /// <summary>
    /// Pairs prompts, seeds and negative prompts given as separate lists (as on the command line).
    /// </summary>
    /// <param name="prompts">One prompt per keyframe.</param>
    /// <param name="seeds">One seed per keyframe.</param>
    /// <param name="negatives">None, one for every keyframe, or one per keyframe.</param>
    /// <exception cref="SynthstageException">The counts differ; the message says which.</exception>
    public static IReadOnlyList<WalkKeyframe> Pair(IReadOnlyList<string> prompts, IReadOnlyList<ulong> seeds, IReadOnlyList<string> negatives)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(negatives);
        if (prompts.Count != seeds.Count)
            throw new SynthstageException(
                $"{prompts.Count} prompt{(prompts.Count == 1 ? "" : "s")} but {seeds.Count} seed{(seeds.Count == 1 ? "" : "s")}: give one --seed per --prompt", ExitCodes.Usage);
        if (negatives.Count > 1 && negatives.Count != prompts.Count)
            throw new SynthstageException(
                $"{negatives.Count} negative prompts for {prompts.Count} prompts: give one --negative for all keyframes or one per --prompt", ExitCodes.Usage);
        return prompts.Select((p, i) => new WalkKeyframe(p, seeds[i], negatives.Count == 0 ? "" : negatives.Count == 1 ? negatives[0] : negatives[i])).ToArray();
    }
}
