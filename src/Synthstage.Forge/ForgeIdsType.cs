namespace Synthstage.Forge;

/// <summary>Element type of the text encoder's <c>input_ids</c> input.</summary>
public enum ForgeIdsType
{
    /// <summary>int32 token ids (what diffusers' ONNX exports of SD 1.x use).</summary>
    Int32,

    /// <summary>int64 token ids (what some optimum exports use).</summary>
    Int64,
}
