namespace Synthstage.Tfjs;

/// <summary>A TF.js layers model (<c>"format": "layers-model"</c>): a Keras functional topology and its weights.</summary>
/// <param name="Name">Model name from the topology (for example <c>generator</c>).</param>
/// <param name="Layers">Layers in topology order.</param>
/// <param name="InputLayer">Name of the single input layer.</param>
/// <param name="OutputLayer">Name of the layer whose first output is the model's single output.</param>
/// <param name="Weights">Every weight of the manifest, by name.</param>
public sealed record TfjsLayersModel(string Name, IReadOnlyList<TfjsLayer> Layers, string InputLayer, string OutputLayer,
    IReadOnlyDictionary<string, TfjsWeight> Weights);
