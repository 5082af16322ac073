namespace Synthstage.Forge;

/// <summary>Progress of <see cref="StableDiffusionForge.WriteAsync"/>.</summary>
/// <param name="Component">The model being written: <c>text_encoder</c>, <c>unet</c>, <c>vae_encoder</c> or <c>vae_decoder</c>.</param>
/// <param name="ParametersDone">Parameters (weight elements) of that model generated and stored so far.</param>
/// <param name="ParametersTotal">All parameters of that model.</param>
public sealed record ForgeProgress(string Component, long ParametersDone, long ParametersTotal);
