namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// Called synchronously after every denoising step of every image, on the thread that runs the pipeline (a live
/// preview, a test comparing the loop with a reference). Throwing stops the run with that exception.
/// </summary>
/// <param name="step">The image's step and latents; valid only during the call.</param>
public delegate void DenoisingStepCallback(DenoisingStep step);
