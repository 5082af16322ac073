namespace Synthstage.Pose;

/// <summary>What one landmark-model run found, before the tracker decides whose it is.</summary>
internal readonly record struct TrackCandidate(PoseRegion Region, PoseRegion Next, float HipX, float HipY, float Radius, float Score, PoseLandmark[] Landmarks,
    AppearanceHistogram Appearance)
{
    public float DistanceTo(float x, float y) => MathF.Sqrt((HipX - x) * (HipX - x) + (HipY - y) * (HipY - y));
}
