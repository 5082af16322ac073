namespace Synthstage.Forge;

/// <summary>Which kind of SD 1.5-shaped model to forge: the weights' shapes are the same, the parts that decide how it is sampled differ.</summary>
public enum ForgeVariant
{
    /// <summary>Stable Diffusion 1.5: a three-input UNet and SD 1.5's PNDMScheduler config.</summary>
    Sd15,

    /// <summary>
    /// A latent consistency model (as LCM Dreamshaper v7): the UNet takes a fourth input <c>timestep_cond</c>
    /// [batch, time_cond_proj_dim], the guidance-scale embedding added to the timestep projection through a bias-free
    /// <c>time_embedding.cond_proj</c>, and the scheduler config is diffusers' LCMScheduler.
    /// </summary>
    Lcm,

    /// <summary>An SD-Turbo-like model: the SD 1.5 UNet with an EulerDiscreteScheduler config using trailing timestep spacing.</summary>
    Turbo,
}
