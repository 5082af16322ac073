namespace Synthstage.Forge;

/// <summary>Element type of the UNet's <c>timestep</c> input.</summary>
public enum ForgeTimestepType
{
    /// <summary>int64 timesteps.</summary>
    Int64,

    /// <summary>Floating-point timesteps in the model's float type (float32, or float16 for an fp16 model).</summary>
    Float,
}
