using System.Reflection;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Pose;
using Synthstage.Scenes;
using Synthstage.Video;

namespace Synthstage.Tests;

/// <summary>
/// Every settable property of a settings record reaches its description (and so the resume key and the manifest),
/// unless it is listed here as not changing pixels: a property added later without a description fails this test.
/// </summary>
public sealed class SettingsDescriptionTests
{
    [Fact]
    public void EveryMatteSettingIsDescribed() => AssertEverySettingDescribed(new MatteOptions());

    [Fact]
    public void EveryPoseTrackingSettingThatMovesTheCropIsDescribed() =>
        AssertEverySettingDescribed(new PoseTrackerOptions(),
            nameof(PoseTrackerOptions.LandmarkSmoothing), // smooths the reported landmarks only, not the matte
            nameof(PoseTrackerOptions.FrameRate)); // taken from the footage, whose identity is in the resume key

    [Fact]
    public void EveryKeyingSettingIsDescribed() =>
        AssertEverySettingDescribed(new KeyingOptions(),
            nameof(KeyingOptions.Session), nameof(KeyingOptions.Store), // where the work runs, not what it gives
            nameof(KeyingOptions.Matte), nameof(KeyingOptions.PoseTracking), nameof(KeyingOptions.Encoder), nameof(KeyingOptions.Selection), // described by their own records
            nameof(KeyingOptions.Provenance)); // its pixel marks are checked below

    [Fact]
    public void EveryEncoderSettingIsDescribed() => AssertEverySettingDescribed(new EncoderSettings());

    [Fact]
    public void TheKeyingSettingsIncludeTheEncoderSettingsOnce()
    {
        var keying = new KeyingOptions { Encoder = new EncoderSettings { Format = OutputFormat.WebM, Crf = 30, Preset = "slow", Vp9Deadline = Vp9Deadline.Good } };
        var settings = SettingsWriter.Collect(keying);
        Assert.Equal(SettingsWriter.Collect(keying.Encoder), settings.Where(s => s.Name is "crf" or "preset" or "vp9 deadline" or "format"));
        Assert.Equal(["30", "slow", "good", "webm"], SettingsWriter.Collect(keying.Encoder).Select(s => s.Value));
    }

    [Fact]
    public void TheProvenanceMarksInThePixelsAreDescribed()
    {
        var keying = new KeyingOptions();
        var before = Text(keying);
        Assert.NotEqual(before, Text(keying with { Provenance = keying.Provenance with { Watermark = false } }));
        Assert.NotEqual(before, Text(keying with { Provenance = keying.Provenance with { WatermarkStrength = keying.Provenance.WatermarkStrength + 1 } }));
        Assert.NotEqual(before, Text(keying with { Provenance = keying.Provenance with { Label = "AI-generated" } }));
    }

    [Fact]
    public void EveryLookSettingIsDescribed() => AssertEverySettingDescribed(new CompositeLook());

    [Fact]
    public void EveryMotionSettingIsDescribed() => AssertEverySettingDescribed(new PlateMotion(BackgroundMotion.Pan));

    [Fact]
    public void EverySceneSettingIsDescribed()
    {
        string[] elsewhere = [nameof(SceneOptions.CacheFolder), nameof(SceneOptions.Session), // where the work runs
            nameof(SceneOptions.Preview), // watching the denoising steps changes no pixel
            nameof(SceneOptions.Motion), // the background's own setting
            nameof(SceneOptions.PlateUpscale)]; // the background describes the method it resolves to (PlateEnlargement)
        AssertEverySettingDescribed(new SceneOptions { Prompt = "a beach" }, [.. elsewhere, nameof(SceneOptions.WalkEvery)]); // walks only
        AssertEverySettingDescribed(new SceneOptions { Prompt = "", WalkPrompts = ["a beach", "a forest"] }, [.. elsewhere, nameof(SceneOptions.Prompt)]); // a walk uses its prompts
    }

    [Fact]
    public void ANameWrittenTwiceIsRefused()
    {
        var writer = new SettingsWriter().Add("threshold", 0.5f);
        Assert.Throws<InvalidOperationException>(() => writer.Add("threshold", "0.6"));
        Assert.Throws<InvalidOperationException>(() => SettingsWriter.Collect(new CompositeLook(), new CompositeLook()));
    }

    [Fact]
    public void NumbersAreCultureInvariantAndRoundTrip()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var settings = SettingsWriter.Collect(new MatteOptions { Threshold = 0.1f + 0.2f });
            Assert.Equal((0.1f + 0.2f).ToString("R", System.Globalization.CultureInfo.InvariantCulture), settings.Single(s => s.Name == "threshold").Value);
            Assert.Equal("guided (radius 12, epsilon 0.001, clip 0.05..0.95)", settings.Single(s => s.Name == "refine").Value);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    private static void AssertEverySettingDescribed<T>(T original, params string[] notDescribed) where T : ISettingsDescription
    {
        var before = Text(original);
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !notDescribed.Contains(p.Name)).ToList();
        Assert.NotEmpty(properties);
        var clone = typeof(T).GetMethod("<Clone>$") ?? throw new InvalidOperationException($"{typeof(T).Name} is not a record");
        foreach (var property in properties)
        {
            var changed = (T)clone.Invoke(original, null)!;
            property.SetValue(changed, OtherValue(property, property.GetValue(original)));
            Assert.True(Text(changed) != before, $"{typeof(T).Name}.{property.Name} is not in its description: the resume key and the manifest would miss it");
        }
    }

    private static object? OtherValue(PropertyInfo property, object? value) => value switch
    {
        float f => f + 0.125f,
        double d => d + 0.125,
        int i => i + 1,
        ulong u => u + 1,
        bool b => !b,
        string s => s + " (changed)",
        Enum e => Enum.GetValues(e.GetType()).Cast<object>().First(v => !v.Equals(e)),
        IReadOnlyList<string> list => list.Append("another").ToArray(),
        null when Nullable.GetUnderlyingType(property.PropertyType) is { IsEnum: true } underlying => Enum.GetValues(underlying).GetValue(0),
        null when property.PropertyType == typeof(string) => "set",
        _ => throw new InvalidOperationException($"no changed value for {property.DeclaringType!.Name}.{property.Name} ({property.PropertyType.Name}); add a case"),
    };

    private static string Text(params ISettingsDescription[] descriptions) =>
        string.Join("\n", SettingsWriter.Collect(descriptions).Select(s => $"{s.Name}={s.Value}|{s.FilePath}"));
}
