using System.Text.Json;
using System.Text.Json.Nodes;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// What a Synthstage output's claim asserts, taken from its provenance record: <c>c2pa.actions.v2</c> (created by a
/// generative model for <c>generate</c>/<c>walk</c>; opened footage, then edited into a composite with generated media
/// and placed background for keyed renders), the input files as <c>c2pa.ingredient.v3</c> with their SHA-256, and the
/// whole record (prompts, seeds, models, settings, watermark) as the JSON assertion <c>org.synthstage.provenance</c>.
/// The hard binding is added by the container that carries the store.
/// </summary>
public static class C2paClaimContent
{
    // Inputs that are the picture the output was made from (the "parent"); every other input is a component.
    private static readonly string[] ParentRoles = ["footage", "input"];

    /// <summary>The assertions for <paramref name="manifest"/>, without the hard binding.</summary>
    public static IReadOnlyList<C2paAssertion> Assertions(ProvenanceManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var ingredients = new List<(FileRecord File, C2paAssertion Assertion)>();
        var hasParent = manifest.Inputs.Any(i => ParentRoles.Contains(i.Role));
        foreach (var input in manifest.Inputs)
        {
            // A generated picture has no parent: what went into it (an init image, the audio of a walk) is input to the model.
            var relationship = ParentRoles.Contains(input.Role) ? "parentOf" : hasParent ? "componentOf" : "inputTo";
            var label = ingredients.Count == 0 ? C2paLabels.Ingredient : $"{C2paLabels.Ingredient}__{ingredients.Count}";
            ingredients.Add((input, C2paAssertion.Cbor(label, new Dictionary<string, object?>
            {
                ["relationship"] = relationship,
                ["dc:title"] = input.Name,
                ["dc:format"] = MediaTypes.Of(input.Name),
                ["description"] = $"{input.Role}: sha256 {input.Sha256}, {input.Bytes} bytes",
                ["metadata"] = new Dictionary<string, object?> { ["org.synthstage.role"] = input.Role, ["org.synthstage.sha256"] = input.Sha256, ["org.synthstage.bytes"] = input.Bytes },
            })));
        }
        var assertions = new List<C2paAssertion> { Actions(manifest, ingredients) };
        assertions.AddRange(ingredients.Select(i => i.Assertion));
        assertions.Add(C2paAssertion.Json(C2paLabels.Synthstage, RecordJson(manifest)));
        return assertions;
    }

    private static C2paAssertion Actions(ProvenanceManifest manifest, List<(FileRecord File, C2paAssertion Assertion)> ingredients)
    {
        var agent = new Dictionary<string, object?> { ["name"] = "synthstage", ["version"] = manifest.Tool.Version };
        var synthetic = string.Join("; ", manifest.Parts.Select(p => $"{p.Part}: {p.Origin} ({p.Detail})"));
        var parents = ingredients.Where(i => ParentRoles.Contains(i.File.Role)).Select(i => (object?)i.Assertion.Reference()).ToList();
        var components = ingredients.Where(i => !ParentRoles.Contains(i.File.Role)).Select(i => (object?)i.Assertion.Reference()).ToList();
        var actions = new List<object?>();
        if (parents.Count == 0)
        {
            var created = Action("c2pa.created", agent, C2paLabels.TrainedAlgorithmicMedia, $"{manifest.Command}: {synthetic}");
            if (components.Count > 0) created["parameters"] = new Dictionary<string, object?> { ["ingredients"] = components };
            actions.Add(created);
        }
        else
        {
            var opened = Action("c2pa.opened", agent, null, $"{manifest.Command}: opened the input");
            opened["parameters"] = new Dictionary<string, object?> { ["ingredients"] = parents };
            actions.Add(opened);
            var generative = manifest.Command is "upscale" ? C2paLabels.TrainedAlgorithmicMedia : C2paLabels.CompositeWithTrainedAlgorithmicMedia;
            actions.Add(Action("c2pa.edited", agent, generative, $"{manifest.Command}: {synthetic}"));
            if (components.Count > 0)
            {
                var placed = Action("c2pa.placed", agent, null, $"{manifest.Command}: placed {string.Join(", ", ingredients.Where(i => !ParentRoles.Contains(i.File.Role)).Select(i => i.File.Role))}");
                placed["parameters"] = new Dictionary<string, object?> { ["ingredients"] = components };
                actions.Add(placed);
            }
        }
        return C2paAssertion.Cbor(C2paLabels.Actions, new Dictionary<string, object?> { ["actions"] = actions });
    }

    private static Dictionary<string, object?> Action(string name, Dictionary<string, object?> agent, string? sourceType, string description)
    {
        var action = new Dictionary<string, object?> { ["action"] = name, ["softwareAgent"] = agent, ["description"] = description };
        if (sourceType is not null) action["digitalSourceType"] = sourceType;
        return action;
    }

    // The provenance record as signed JSON content, without the fields only the old Ed25519 copies have.
    private static string RecordJson(ProvenanceManifest manifest)
    {
        var node = JsonSerializer.SerializeToNode(manifest with { Signature = null, Copy = null, Output = null }, ProvenanceManifest.JsonOptions)!.AsObject();
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
