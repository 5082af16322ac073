using Synthstage.Walks;

namespace Synthstage.Tests.Walks;

public sealed class WalkScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-walkscript-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void YamlAndJsonGiveTheSameWalk()
    {
        var yaml = Write("walk.yaml", """
            fps: 12
            frames: 30
            steps: 20
            keyframes:
              - { prompt: "a forest at dawn", seed: 1, negative: blurry }
              - prompt: a forest at night
                seed: 18446744073709551615
              - { prompt: "", seed: 3 }
            segments:
              - { frames: 24 }
              - { frames: 60, steps: 30, guidance: 9.5 }
            """);
        var json = Write("walk.json", """
            { "fps": 12, "frames": 30, "steps": 20,
              "keyframes": [ { "prompt": "a forest at dawn", "seed": 1, "negative": "blurry" },
                             { "prompt": "a forest at night", "seed": 18446744073709551615 },
                             { "prompt": "", "seed": 3 } ],
              "segments": [ { "frames": 24 }, { "frames": 60, "steps": 30, "guidance": 9.5 } ] }
            """);
        var a = WalkScript.Load(yaml, new WalkOptions());
        var b = WalkScript.Load(json, new WalkOptions());
        foreach (var o in new[] { a, b })
        {
            Assert.Equal([new WalkKeyframe("a forest at dawn", 1, "blurry"), new WalkKeyframe("a forest at night", ulong.MaxValue), new WalkKeyframe("", 3)], o.Keyframes);
            Assert.Equal([new WalkSegment { Frames = 24 }, new WalkSegment { Frames = 60, Steps = 30, GuidanceScale = 9.5f }], o.Segments);
            Assert.Equal((12.0, 30, 20), (o.FrameRate, o.FramesPerSegment, o.Steps));
        }
    }

    [Fact]
    public void UnknownFieldsAndWrongTypesAreNamed()
    {
        var typo = Write("typo.yaml", "keyframes:\n  - { prompt: a, sed: 1 }\n");
        Assert.Equal($"walk file '{typo}': keyframe 1: unknown field 'sed' (known: prompt, seed, negative)",
            Assert.Throws<SynthstageException>(() => WalkScript.Load(typo, new WalkOptions())).Message);
        var badSeed = Write("seed.json", """{ "keyframes": [ { "prompt": "a", "seed": -4 } ] }""");
        Assert.Equal($"walk file '{badSeed}': keyframe 1 needs a seed (a whole number ≥ 0)",
            Assert.Throws<SynthstageException>(() => WalkScript.Load(badSeed, new WalkOptions())).Message);
        var broken = Write("broken.json", "{ keyframes: ");
        Assert.StartsWith($"walk file '{broken}' is not valid JSON", Assert.Throws<SynthstageException>(() => WalkScript.Load(broken, new WalkOptions())).Message);
    }
}
