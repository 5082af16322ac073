using System.Text.Json;

namespace Synthstage.Scenes;

/// <summary>
/// What a diffusers folder's config files say about the image size it was trained for: UNet <c>sample_size</c> ×
/// the VAE's downscale (2^(levels − 1) of <c>block_out_channels</c>), and the side alignment its down-samplers need
/// (VAE scale × 2^(UNet levels − 1): 64 px for SD 1.5). Read from JSON only, without loading any network.
/// </summary>
/// <param name="NativeWidth">Width in pixels the model was trained at.</param>
/// <param name="NativeHeight">Height in pixels.</param>
/// <param name="VaeScale">Pixels per latent (8 for SD).</param>
/// <param name="Alignment">Sides must be multiples of this so every UNet level halves evenly.</param>
/// <param name="Note">Set when a value was missing and a Stable Diffusion 1.x default was assumed.</param>
public sealed record SceneModelConfig(int NativeWidth, int NativeHeight, int VaeScale, int Alignment, string? Note)
{
    /// <summary>Pixels of the native size.</summary>
    public long NativePixels => (long)NativeWidth * NativeHeight;

    /// <summary>Reads <c>unet/config.json</c> and the VAE's <c>config.json</c> from <paramref name="folder"/>.</summary>
    /// <exception cref="SynthstageException">A config file exists but is not valid JSON.</exception>
    public static SceneModelConfig Read(string folder)
    {
        var notes = new List<string>();
        using var unet = ReadJson(Path.Combine(folder, "unet", "config.json"));
        using var vae = ReadJson(Path.Combine(folder, "vae_decoder", "config.json")) ?? ReadJson(Path.Combine(folder, "vae", "config.json"));

        var vaeLevels = Levels(vae);
        if (vaeLevels is null) notes.Add("no VAE block_out_channels: assumed 8 pixels per latent");
        var vaeScale = 1 << ((vaeLevels ?? 4) - 1);

        int sampleHeight = 64, sampleWidth = 64;
        if (unet is not null && unet.RootElement.TryGetProperty("sample_size", out var sample))
        {
            if (sample.ValueKind == JsonValueKind.Number) sampleHeight = sampleWidth = sample.GetInt32();
            else if (sample.ValueKind == JsonValueKind.Array && sample.GetArrayLength() == 2)
            {
                sampleHeight = sample[0].GetInt32();
                sampleWidth = sample[1].GetInt32();
            }
        }
        else notes.Add($"no sample_size in unet/config.json: assumed {64 * vaeScale}×{64 * vaeScale}");

        var unetLevels = Levels(unet) ?? 4;
        var alignment = Math.Max(8, vaeScale << (unetLevels - 1));
        return new SceneModelConfig(sampleWidth * vaeScale, sampleHeight * vaeScale, vaeScale, alignment,
            notes.Count == 0 ? null : string.Join("; ", notes));
    }

    private static int? Levels(JsonDocument? config) =>
        config is not null && config.RootElement.TryGetProperty("block_out_channels", out var channels) && channels.ValueKind == JsonValueKind.Array
            ? Math.Max(1, channels.GetArrayLength())
            : null;

    private static JsonDocument? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new SynthstageException($"'{path}' is not valid JSON: {e.Message}", ExitCodes.BadModel, e);
        }
    }
}
