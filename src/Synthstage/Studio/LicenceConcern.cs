namespace Synthstage.Studio;

/// <summary>What a model's licence asks of the user beyond attribution: copyleft (GPL, AGPL) or non-commercial use.</summary>
public static class LicenceConcern
{
    /// <summary>A short warning for licences that restrict use or distribution, or null for permissive ones.</summary>
    public static string? Of(string licence)
    {
        ArgumentNullException.ThrowIfNull(licence);
        if (licence.Contains("AGPL", StringComparison.OrdinalIgnoreCase)) return "AGPL: network use counts as distribution; sharing a service built on it carries AGPL obligations";
        if (licence.Contains("GPL", StringComparison.OrdinalIgnoreCase) && !licence.Contains("LGPL", StringComparison.OrdinalIgnoreCase))
            return "GPL: distributing a product that embeds it carries GPL obligations";
        if (licence.Contains("Non-Commercial", StringComparison.OrdinalIgnoreCase) || licence.Contains("-nc", StringComparison.OrdinalIgnoreCase)
            || licence.Contains("NonCommercial", StringComparison.OrdinalIgnoreCase))
            return "non-commercial: not for commercial use";
        if (licence.Contains("OpenRAIL", StringComparison.OrdinalIgnoreCase)) return "use-based restrictions (OpenRAIL)";
        return null;
    }
}
