namespace Synthstage.Segmentation;

/// <summary>The families of ONNX segmentation and matting graphs Synthstage can run, told apart by their inputs and outputs.</summary>
public enum MattingModelKind
{
    /// <summary>One fixed-size image input in 0..1 ([1,H,W,3] or [1,3,H,W]) and a mask output of H×W values (MediaPipe selfie and alike).</summary>
    SelfieStyle,

    /// <summary>MODNet: one image input [N,3,H,W] with free height and width, normalised to −1..1, and one matte output [N,1,H,W].</summary>
    Modnet,

    /// <summary>Robust Video Matting: src, r1i..r4i, downsample_ratio → fgr, pha, r1o..r4o (recurrent). GPL-3.0.</summary>
    RobustVideoMatting,
}
