'use strict';
// The prompt background: every field is one setting of the engine's SceneOptions (the server maps the request onto
// it), "Preview frame" composites one still while the denoising steps arrive live, Stop ends the generation.
(() => {
  const $ = (id) => document.getElementById(id);
  const studio = window.studio;
  studio.sceneSteps = [];
  const randomSeed = () => Math.floor(Math.random() * 4294967296);

  // Follows a started preview over Server-Sent Events: each step's latent picture replaces the last, the finished
  // image shows once done. Shared with the walks page.
  studio.followPreview = (started, ui, onStep) => {
    if (studio.activePreview) studio.activePreview.close();
    const events = new EventSource(started.events);
    studio.activePreview = events;
    $(ui.stop).hidden = false;
    $(ui.stop).onclick = () => studio.post(`/api/previews/${started.id}/stop`).catch((e) => studio.show(ui.status, e.message, 'error'));
    const end = (text, kind) => { events.close(); $(ui.stop).hidden = true; studio.show(ui.status, text, kind); };
    events.addEventListener('step', (e) => {
      const step = JSON.parse(e.data);
      const img = $(ui.step);
      img.src = step.picture; img.hidden = false;
      $(ui.stepLabel).textContent = `step ${step.step} of ${step.steps}`;
      studio.show(ui.status, `denoising: step ${step.step} of ${step.steps}`);
      if (onStep) onStep(step);
    });
    events.addEventListener('done', (e) => {
      const done = JSON.parse(e.data);
      const img = $(ui.result);
      img.onload = () => { img.hidden = false; };
      img.src = done.image + '?t=' + Date.now();
      end('preview ready' + (done.message ? ` (${done.message})` : ''), 'ok');
    });
    events.addEventListener('stopped', (e) => end(JSON.parse(e.data).message));
    events.addEventListener('error', (e) => {
      // A server "error" event carries data; a dropped connection does not.
      if (e.data) end(JSON.parse(e.data).message, 'error');
      else if (events.readyState === EventSource.CLOSED) end('the preview connection was lost', 'error');
    });
  };

  function fillSelect(select, items, keep) {
    const current = keep ?? select.value;
    select.innerHTML = items.map(([value, label]) => `<option value="${studio.escapeHtml(value)}">${studio.escapeHtml(label)}</option>`).join('');
    if (items.some(([v]) => v === current)) select.value = current;
  }

  // Scene models and schedulers: shared with the walks page.
  studio.loadSceneChoices = async (modelId, noteId, schedulerId) => {
    const [models, schedulers] = await Promise.all([studio.api('/api/scene/models'), studio.api('/api/scene/schedulers')]);
    fillSelect($(modelId), models.map((m) => [m.name, m.label]));
    $(noteId).textContent = models.length ? licence(models, $(modelId).value)
      : 'no Stable Diffusion model installed: run `synthstage models pull sd15-onnx` (or put a diffusers folder in the data folder\'s models/)';
    $(modelId).onchange = () => { $(noteId).textContent = licence(models, $(modelId).value); };
    fillSelect($(schedulerId), [['', "the model's own"], ...schedulers.map((s) => [s, s])]);
    return models;
  };
  const licence = (models, name) => {
    const m = models.find((x) => x.name === name);
    return m ? `licence ${m.licence}${m.concern ? ' — ' + m.concern : ''}` : '';
  };

  const panel = $('prompt-panel');
  const syncPanel = () => {
    const prompt = document.querySelector('input[name=bg]:checked').value === 'prompt';
    panel.hidden = !prompt;
    if (prompt && !$('scene-model').options.length) studio.loadSceneChoices('scene-model', 'scene-model-note', 'scene-scheduler').catch((e) => studio.show('scene-status', e.message, 'error'));
  };
  document.querySelectorAll('input[name=bg]').forEach((r) => r.addEventListener('change', syncPanel));
  $('scene-motion').addEventListener('change', () => { $('scene-walk').hidden = $('scene-motion').value !== 'walk'; });
  $('scene-dice').addEventListener('click', () => { $('scene-seed').value = randomSeed(); });

  studio.scene = () => {
    const motion = $('scene-motion').value;
    return {
      prompt: $('scene-prompt').value, negative: $('scene-negative').value, seed: Number($('scene-seed').value),
      steps: Number($('scene-steps').value), guidance: Number($('scene-guidance').value),
      scheduler: $('scene-scheduler').value || null, model: $('scene-model').value || null, motion,
      walkPrompts: motion === 'walk' ? $('scene-walk-prompts').value.split('\n').map((p) => p.trim()).filter((p) => p) : [],
      walkEvery: Number($('scene-walk-every').value),
    };
  };

  // "Use these settings again": the scene as the output's manifest recorded it.
  studio.restoreScene = async (scene) => {
    document.querySelector('input[name=bg][value=prompt]').checked = true;
    syncPanel();
    await studio.loadSceneChoices('scene-model', 'scene-model-note', 'scene-scheduler');
    $('scene-prompt').value = scene.prompt; $('scene-negative').value = scene.negative; $('scene-seed').value = scene.seed;
    $('scene-lock').checked = true;
    $('scene-steps').value = scene.steps; $('scene-guidance').value = scene.guidance;
    $('scene-scheduler').value = scene.scheduler || ''; if (scene.model) $('scene-model').value = scene.model;
    $('scene-motion').value = scene.motion || 'none'; $('scene-walk').hidden = scene.motion !== 'walk';
    $('scene-walk-prompts').value = (scene.walkPrompts || []).join('\n'); $('scene-walk-every').value = scene.walkEvery || 8;
  };

  $('scene-preview').addEventListener('click', async () => {
    if (!$('scene-lock').checked) $('scene-seed').value = randomSeed();
    studio.sceneSteps = [];
    $('scene-step').hidden = true; $('scene-result').hidden = true; $('scene-step-label').textContent = '';
    try {
      const request = studio.renderRequest();
      studio.show('scene-status', 'starting…');
      const started = await studio.post('/api/scene/preview?frame=' + studio.state.frame, request);
      studio.followPreview(started, { stop: 'scene-stop', status: 'scene-status', step: 'scene-step', stepLabel: 'scene-step-label', result: 'scene-result' },
        (step) => studio.sceneSteps.push(step.step));
    } catch (e) { studio.show('scene-status', e.message, 'error'); }
  });
})();
