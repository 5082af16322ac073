'use strict';
// The walks page: keyframes (prompt, seed, negative prompt, frames to the next), music for pacing, size, fps and
// model; a keyframe preview (one image, its steps live) and rendering through the queue. The server maps the request
// onto the engine's WalkOptions.
(() => {
  const $ = (id) => document.getElementById(id);
  const studio = window.studio;
  const walk = { audio: null, loaded: false };
  studio.walkSteps = [];
  const randomSeed = () => Math.floor(Math.random() * 4294967296);

  function addKeyframe(k = {}) {
    const li = document.createElement('li');
    li.innerHTML = `<span class="kf-number"></span>` +
      `<label>prompt <input class="kf-prompt" type="text"></label>` +
      `<label>seed <input class="kf-seed" type="number" min="0" step="1"></label><button type="button" data-act="dice" title="a random seed">random</button>` +
      `<label>negative <input class="kf-negative" type="text"></label>` +
      `<label class="kf-frames-label">frames to next <input class="kf-frames" type="number" min="1" max="1440"></label>` +
      `<button type="button" data-act="preview">Preview</button><button type="button" data-act="remove">Remove</button>`;
    li.querySelector('.kf-prompt').value = k.prompt ?? '';
    li.querySelector('.kf-seed').value = k.seed ?? randomSeed();
    li.querySelector('.kf-negative').value = k.negative ?? '';
    li.querySelector('.kf-frames').value = k.frames ?? 24;
    $('keyframes').append(li);
    number();
  }
  // The last keyframe ends the walk: it has no frames to a next one.
  function number() {
    const items = [...$('keyframes').children];
    items.forEach((li, i) => {
      li.querySelector('.kf-number').textContent = `${i + 1}.`;
      li.querySelector('.kf-frames-label').hidden = i === items.length - 1;
    });
  }
  $('add-keyframe').addEventListener('click', () => addKeyframe());
  $('keyframes').addEventListener('click', (e) => {
    const act = e.target.dataset.act; if (!act) return;
    const li = e.target.closest('li');
    if (act === 'dice') li.querySelector('.kf-seed').value = randomSeed();
    if (act === 'remove') { li.remove(); number(); }
    if (act === 'preview') preview([...$('keyframes').children].indexOf(li));
  });

  studio.walkRequest = () => ({
    keyframes: [...$('keyframes').children].map((li) => ({
      prompt: li.querySelector('.kf-prompt').value, seed: Number(li.querySelector('.kf-seed').value),
      negative: li.querySelector('.kf-negative').value, frames: Number(li.querySelector('.kf-frames').value),
    })),
    audio: walk.audio ? walk.audio.path : null, smooth: Number($('walk-smooth').value),
    width: Number($('walk-width').value), height: Number($('walk-height').value), fps: Number($('walk-fps').value),
    steps: Number($('walk-steps').value), guidance: Number($('walk-guidance').value),
    scheduler: $('walk-scheduler').value || null, model: $('walk-model').value || null,
  });

  // Audio goes up like a clip (the file is the body), and is probed on the server: a file without sound is refused.
  $('walk-audio-file').addEventListener('change', async (e) => {
    const file = e.target.files[0]; if (!file) return;
    studio.show('walk-audio', `uploading ${file.name}…`);
    try {
      const response = await fetch('/api/walks/audio', { method: 'POST', credentials: 'same-origin', headers: { 'X-File-Name': encodeURIComponent(file.name) }, body: file });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || `upload failed (${response.status})`);
      walk.audio = body;
      studio.show('walk-audio', `${body.name}: ${body.codec}, ${body.sampleRate} Hz — frames move with its beat`, 'ok');
      $('walk-audio-clear').hidden = false;
    } catch (err) { walk.audio = null; studio.show('walk-audio', err.message, 'error'); }
    e.target.value = '';
  });
  $('walk-audio-clear').addEventListener('click', () => {
    walk.audio = null; $('walk-audio-clear').hidden = true; studio.show('walk-audio', 'no audio: frames move at an even pace');
  });

  async function preview(index) {
    studio.walkSteps = [];
    $('walk-step').hidden = true; $('walk-result').hidden = true; $('walk-step-label').textContent = '';
    try {
      studio.show('walk-status', `keyframe ${index + 1}: starting…`);
      const started = await studio.post('/api/walks/preview?keyframe=' + index, studio.walkRequest());
      studio.followPreview(started, { stop: 'walk-stop', status: 'walk-status', step: 'walk-step', stepLabel: 'walk-step-label', result: 'walk-result' },
        (step) => studio.walkSteps.push(step.step));
    } catch (e) { studio.show('walk-status', e.message, 'error'); }
  }

  $('walk-render').addEventListener('click', async () => {
    try {
      const job = await studio.post('/api/walks', studio.walkRequest());
      studio.show('walk-message', `added to the queue as job ${job.id}`, 'ok');
    } catch (e) { studio.show('walk-message', e.message, 'error'); }
  });

  async function load() {
    if (walk.loaded) return;
    walk.loaded = true;
    try { await studio.loadSceneChoices('walk-model', 'walk-model-note', 'walk-scheduler'); }
    catch (e) { studio.show('walk-status', e.message, 'error'); }
  }
  const previousOnTab = studio.onTab;
  studio.onTab = (name) => { if (previousOnTab) previousOnTab(name); if (name === 'walks') load(); };

  // The gallery's "use these settings again": a walk request read back from the output's manifest.
  studio.restoreWalk = async (request) => {
    studio.openTab('walks');
    await load();
    $('keyframes').replaceChildren();
    request.keyframes.forEach((k) => addKeyframe(k));
    for (const key of ['width', 'height', 'fps', 'steps', 'guidance', 'smooth']) $('walk-' + key).value = request[key];
    $('walk-scheduler').value = request.scheduler || '';
    if (request.model) $('walk-model').value = request.model;
    walk.audio = request.audio ? { path: request.audio, name: request.audio } : null;
    studio.show('walk-audio', walk.audio ? `audio ${request.audio}` : 'no audio: frames move at an even pace');
    studio.show('walk-message', 'settings loaded from the output\'s manifest', 'ok');
  };

  addKeyframe({ prompt: 'a forest in spring, morning light' });
  addKeyframe({ prompt: 'the same forest in autumn, golden leaves' });
})();
