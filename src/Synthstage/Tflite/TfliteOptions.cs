namespace Synthstage.Tflite;

/// <summary>Base of the parsed operator options (schema.fbs <c>BuiltinOptions</c> tables).</summary>
internal abstract record TfliteOptions;

/// <summary>Conv2DOptions.</summary>
internal sealed record Conv2DOptions(TflitePadding Padding, int StrideW, int StrideH, TfliteActivation Activation,
    int DilationW = 1, int DilationH = 1) : TfliteOptions;

/// <summary>DepthwiseConv2DOptions.</summary>
internal sealed record DepthwiseConv2DOptions(TflitePadding Padding, int StrideW, int StrideH, int DepthMultiplier,
    TfliteActivation Activation, int DilationW = 1, int DilationH = 1) : TfliteOptions;

/// <summary>Pool2DOptions (average, max and L2 pooling).</summary>
internal sealed record Pool2DOptions(TflitePadding Padding, int StrideW, int StrideH, int FilterWidth, int FilterHeight,
    TfliteActivation Activation) : TfliteOptions;

/// <summary>Options that only carry a fused activation: AddOptions, MulOptions, SubOptions, DivOptions.</summary>
internal sealed record FusedActivationOptions(TfliteActivation Activation) : TfliteOptions;

/// <summary>ConcatenationOptions.</summary>
internal sealed record ConcatenationOptions(int Axis, TfliteActivation Activation) : TfliteOptions;

/// <summary>ReshapeOptions (the target shape may instead come from the second input or the output tensor).</summary>
internal sealed record ReshapeOptions(int[]? NewShape) : TfliteOptions;

/// <summary>ResizeBilinearOptions.</summary>
internal sealed record ResizeBilinearOptions(bool AlignCorners, bool HalfPixelCenters) : TfliteOptions;

/// <summary>ReducerOptions (MEAN, SUM, REDUCE_MAX, ...).</summary>
internal sealed record ReducerOptions(bool KeepDims) : TfliteOptions;

/// <summary>DepthToSpaceOptions and SpaceToDepthOptions.</summary>
internal sealed record BlockSizeOptions(int BlockSize) : TfliteOptions;

/// <summary>SoftmaxOptions.</summary>
internal sealed record SoftmaxOptions(float Beta) : TfliteOptions;

/// <summary>
/// TransposeConvOptions, also used for MediaPipe's custom <c>Convolution2DTransposeBias</c>, whose options are a raw
/// <c>TfLiteTransposeConvParams</c> struct (int32 padding, stride_width, stride_height) where padding uses the
/// C API enum (0 unknown, 1 SAME, 2 VALID).
/// </summary>
internal sealed record TransposeConvOptions(TflitePadding Padding, int StrideW, int StrideH,
    TfliteActivation Activation = TfliteActivation.None) : TfliteOptions;
