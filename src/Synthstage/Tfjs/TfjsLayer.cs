using System.Text.Json;

namespace Synthstage.Tfjs;

/// <summary>One layer of a Keras functional model as TF.js stores it in <c>model.json</c>.</summary>
/// <param name="Index">Position in the topology's <c>layers</c> list (0-based), for error messages.</param>
/// <param name="ClassName">Keras class, for example <c>Conv2D</c>.</param>
/// <param name="Name">Unique layer name; also the prefix of its weights (<c>name/kernel</c>).</param>
/// <param name="Config">The layer's <c>config</c> object (detached from the parsed document).</param>
/// <param name="Inputs">Names of the layers whose first output feeds this one, in order; empty for an InputLayer.</param>
public sealed record TfjsLayer(int Index, string ClassName, string Name, JsonElement Config, IReadOnlyList<string> Inputs)
{
    /// <summary>"Conv2D 'F_0' (layer 3)": how error messages name the layer.</summary>
    public string DisplayName => $"{ClassName} '{Name}' (layer {Index})";
}
