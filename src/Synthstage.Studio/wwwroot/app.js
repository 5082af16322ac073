'use strict';
// Synthstage Studio: plain JavaScript over the studio's HTTP API. Every action is one request; the engine does the work.
const $ = (id) => document.getElementById(id);
const state = { clip: null, frame: 0, points: [], backgroundImage: null, jobs: new Map(), models: [] };
window.studio = { eventLatencies: [], lastMatteMs: null };

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options });
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json() : null;
  if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  return body;
}
const post = (path, data) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data ?? {}) });
function show(id, text, kind) { const el = $(id); el.textContent = text; el.className = 'message ' + (kind || ''); }

// Tabs
document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => openTab(b.dataset.tab)));
function openTab(name) {
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.id === 'tab-' + name));
  if (name === 'gallery') loadGallery();
  if (name === 'models') loadModels();
  if (window.studio.onTab) window.studio.onTab(name);
}

// Upload: the file is the request body, so XMLHttpRequest can report progress for big files.
function upload(file, onDone, progressId = 'upload-progress', messageId = 'upload-message') {
  const bar = $(progressId);
  if (bar) { bar.hidden = false; bar.value = 0; }
  show(messageId, `uploading ${file.name}…`);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/clips/upload');
  xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
  xhr.upload.onprogress = (e) => { if (bar && e.lengthComputable) bar.value = e.loaded / e.total; };
  xhr.onload = () => {
    if (bar) bar.hidden = true;
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
    if (xhr.status === 200 && body) { show(messageId, `${body.name} uploaded`, 'ok'); onDone(body); }
    else show(messageId, (body && body.error) || `upload failed (${xhr.status})`, 'error');
  };
  xhr.onerror = () => { if (bar) bar.hidden = true; show(messageId, 'upload failed: the connection was lost', 'error'); };
  xhr.send(file);
}
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0], openClip); });
$('file').addEventListener('change', (e) => { if (e.target.files[0]) upload(e.target.files[0], openClip); });

async function loadClipList(select) {
  const clips = await api('/api/clips');
  $('clip-list').innerHTML = clips.map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(c)}</option>`).join('');
  if (select) $('clip-list').value = select;
}
$('open-clip').addEventListener('click', async () => {
  try { openClip(await api('/api/clips/info?path=' + encodeURIComponent($('clip-list').value))); }
  catch (e) { show('upload-message', e.message, 'error'); }
});

function openClip(clip) {
  state.clip = clip; state.points = []; state.frame = 0;
  $('editor').hidden = false;
  $('clip-info').textContent = `${clip.name}: ${clip.width}×${clip.height}, ` +
    (clip.isStill ? 'still image' : `${clip.frameCount} frames at ${clip.frameRate.toFixed(2)} fps${clip.hasAudio ? ', with audio' : ''}`);
  $('scrubber').max = Math.max(0, clip.frameCount - 1);
  $('scrubber').value = 0;
  $('player').src = '/api/files/' + clip.path;
  $('play').disabled = clip.isStill;
  loadClipList(clip.path);
  showFrame(0);
  warmModel();
}

function showFrame(n) {
  state.frame = n;
  $('frame-label').textContent = `frame ${n} of ${state.clip.frameCount}`;
  $('overlay').hidden = true;
  $('frame').src = `/api/clips/frame?path=${encodeURIComponent(state.clip.path)}&n=${n}`;
  drawMarkers();
}
$('scrubber').addEventListener('input', () => { stopPlaying(); showFrame(Number($('scrubber').value)); });

// Play with the browser's own decoder; pausing shows the frame it stopped on, as the server decodes it.
$('play').addEventListener('click', () => {
  const player = $('player');
  if (!player.hidden) { stopPlaying(); return; }
  player.hidden = false; player.currentTime = state.frame / state.clip.frameRate; player.play();
  $('play').textContent = 'Pause';
});
$('player').addEventListener('timeupdate', () => {
  const n = Math.min(state.clip.frameCount - 1, Math.round($('player').currentTime * state.clip.frameRate));
  $('scrubber').value = n; $('frame-label').textContent = `frame ${n} of ${state.clip.frameCount}`;
});
$('player').addEventListener('ended', stopPlaying);
function stopPlaying() {
  const player = $('player');
  if (player.hidden) return;
  player.pause(); player.hidden = true; $('play').textContent = 'Play';
  showFrame(Number($('scrubber').value));
}

// Clicks: include, or exclude with shift or in exclude mode. Every point keeps its frame, and all of them go with
// each matte request and with the render, so subject selection by points needs no change here.
$('stage').addEventListener('click', async (e) => {
  if (!state.clip || !$('player').hidden) return;
  const box = $('frame').getBoundingClientRect();
  const x = (e.clientX - box.left) / box.width, y = (e.clientY - box.top) / box.height;
  if (x < 0 || x > 1 || y < 0 || y > 1) return;
  state.points.push({ x, y, frame: state.frame, include: !(e.shiftKey || $('erase').checked) });
  drawMarkers();
  await refreshMatte();
});
$('clear-points').addEventListener('click', () => { state.points = []; drawMarkers(); $('overlay').hidden = true; });

async function refreshMatte() {
  const started = performance.now();
  $('matte-status').textContent = 'matting…';
  try {
    const matte = await post('/api/matte', { clip: state.clip.path, frame: state.frame, model: $('model').value, points: state.points });
    if (matte.frame !== state.frame) return;
    drawOverlay(matte);
    // Timed to the next frame the browser paints, with the overlay in it.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const total = performance.now() - started;
    window.studio.lastMatteMs = total;
    const misses = matte.points.filter((p) => p.include ? p.matte < 0.5 : p.matte >= 0.5).length;
    // With points on this frame the overlay is the subject they select (what the render keys here), else the model's matte.
    const what = matte.selection === 'points' ? 'selected subject' : 'matte';
    $('matte-status').className = matte.selection === 'failed' ? 'error' : 'muted';
    $('matte-status').textContent = `${what} of frame ${matte.frame} (${matte.model}) in ${Math.round(total)} ms, ` +
      `subject covers ${(matte.coverage * 100).toFixed(0)} % of the frame` + (misses ? `; ${misses} point(s) disagree with the matte` : '') +
      (matte.note ? ` — ${matte.note}` : '');
    $('matte-status').dataset.ready = String(matte.frame);
  } catch (err) { $('matte-status').textContent = err.message; $('matte-status').className = 'error'; }
}

// The model's mask, tinted, at its own size in a canvas the page stretches over the frame (the browser's bilinear
// enlargement): the server sends a few kB instead of a 1280×720 PNG. The render enlarges it guided by the frame.
function drawOverlay(matte) {
  const canvas = $('overlay'), w = matte.maskWidth, h = matte.maskHeight;
  const bytes = Uint8Array.from(atob(matte.mask), (c) => c.charCodeAt(0));
  canvas.width = w; canvas.height = h;
  const context = canvas.getContext('2d'), image = context.createImageData(w, h), px = image.data;
  for (let i = 0; i < bytes.length; i++) {
    px[4 * i] = 40; px[4 * i + 1] = 170; px[4 * i + 2] = 255; px[4 * i + 3] = bytes[i] * 140 / 255;
  }
  context.putImageData(image, 0, 0);
  canvas.hidden = false;
}

// Load the model while the user finds the person, so the first click costs no model load.
function warmModel() {
  if (state.clip) post('/api/matte/warm', { clip: state.clip.path, model: $('model').value }).catch(() => { /* the click reports it */ });
}

// Markers are placed through the CSSOM: the page's policy allows no inline style attributes.
function drawMarkers() {
  const layer = $('markers');
  layer.replaceChildren(...state.points.filter((p) => p.frame === state.frame).map((p) => {
    const marker = document.createElement('div');
    marker.className = 'marker ' + (p.include ? 'include' : 'exclude');
    marker.style.left = (p.x * 100) + '%'; marker.style.top = (p.y * 100) + '%';
    return marker;
  }));
}

async function loadModels() {
  state.models = await api('/api/models/keying');
  const select = $('model'), current = select.value || 'auto';
  select.innerHTML = state.models.map((m) => `<option value="${m.name}">${escapeHtml(m.label)}</option>`).join('');
  select.value = current;
  showLicence();
}
function showLicence() {
  const m = state.models.find((x) => x.name === $('model').value);
  $('model-licence').innerHTML = m ? `licence ${escapeHtml(m.licence)}${m.concern ? ` <span class="flag">${escapeHtml(m.concern)}</span>` : ''}` : '';
}
$('model').addEventListener('change', () => { showLicence(); if (state.points.length) refreshMatte(); else warmModel(); });

// Background
$('bg-file').addEventListener('change', (e) => {
  if (!e.target.files[0]) return;
  upload(e.target.files[0], (clip) => {
    state.backgroundImage = clip.path; $('bg-image-name').textContent = clip.name;
    document.querySelector('input[name=bg][value=image]').checked = true;
  }, null, 'render-message');
});
function backgroundValue() {
  const kind = document.querySelector('input[name=bg]:checked').value;
  if (kind === 'colour') return $('colour').value;
  if (kind === 'blur') return 'blur';
  if (kind === 'prompt') return $('colour').value; // ignored: the scene replaces it
  if (!state.backgroundImage) throw new Error('upload a background image first');
  return 'image:' + state.backgroundImage;
}
function renderRequest() {
  return { clip: state.clip.path, background: backgroundValue(), model: $('model').value, subject: state.points,
    harmonize: Number($('harmonize').value), lightWrap: Number($('lightwrap').value),
    scene: document.querySelector('input[name=bg]:checked').value === 'prompt' ? window.studio.scene() : null };
}
$('render').addEventListener('click', async () => {
  try {
    const job = await post('/api/jobs', renderRequest());
    show('render-message', `added to the queue as job ${job.id}`, 'ok');
  } catch (e) { show('render-message', e.message, 'error'); }
});

// Queue: every change arrives over Server-Sent Events.
function connectEvents() {
  const events = new EventSource('/api/events');
  const receive = (e, many) => {
    const message = JSON.parse(e.data);
    window.studio.eventLatencies.push(Date.now() - message.sentAt);
    (many ? message.data : [message.data]).forEach((job) => state.jobs.set(job.id, job));
    drawJobs();
  };
  events.addEventListener('jobs', (e) => { state.jobs.clear(); receive(e, true); });
  events.addEventListener('job', (e) => receive(e, false));
}
function progressText(job) {
  const p = job.progress;
  if (job.state === 'Failed') return job.error;
  if (job.state === 'Done') return `done in ${job.renderSeconds ? job.renderSeconds.toFixed(1) + ' s' : '—'}: ${job.output}`;
  if (!p) return job.state === 'Queued' ? 'waiting' : '';
  let text = `${p.stage}: ${p.total ? `frame ${p.done} of ${p.total}` : p.done}`;
  if (p.framesPerSecond) text += `, ${p.framesPerSecond.toFixed(1)} frames/s`;
  if (p.secondsLeft != null) text += `, ${Math.ceil(p.secondsLeft)} s left`;
  return text;
}
function drawJobs() {
  const jobs = [...state.jobs.values()].sort((a, b) => a.position - b.position);
  const waiting = jobs.filter((j) => j.state === 'Queued' || j.state === 'Running').length;
  $('queue-count').textContent = waiting ? `(${waiting})` : '';
  $('jobs').innerHTML = jobs.map((job) => {
    const p = job.progress, percent = job.state === 'Done' ? 100 : p && p.total ? Math.floor(100 * p.done / p.total) : 0;
    const buttons = [
      job.state === 'Queued' || job.state === 'Running' ? `<button data-act="pause">Pause</button>` : '',
      job.state === 'Paused' || job.state === 'Failed' ? `<button data-act="resume">Resume</button>` : '',
      job.state === 'Queued' || job.state === 'Paused' ? `<button data-act="up">Up</button>` : '',
      ['Queued', 'Paused', 'Running'].includes(job.state) ? `<button data-act="cancel">Cancel</button>` : '',
    ].join('');
    return `<li data-id="${job.id}" data-state="${job.state}"><div><span class="state">${job.state}</span> ${escapeHtml(job.title)} · ${escapeHtml(job.request.clip.split('/').pop())}</div>` +
      `<div>${buttons}</div><progress max="100" value="${percent}"></progress><span class="percent">${percent} %</span>` +
      `<div class="progress-text ${job.state === 'Failed' ? 'error' : 'muted'}">${escapeHtml(progressText(job) || '')}</div></li>`;
  }).join('');
}
$('jobs').addEventListener('click', async (e) => {
  const act = e.target.dataset.act; if (!act) return;
  const id = e.target.closest('li').dataset.id;
  try {
    if (act === 'up') {
      const pending = [...state.jobs.values()].filter((j) => ['Queued', 'Paused'].includes(j.state)).sort((a, b) => a.position - b.position);
      await post(`/api/jobs/${id}/move`, { index: Math.max(0, pending.findIndex((j) => j.id === id) - 1) });
    } else await post(`/api/jobs/${id}/${act}`);
  } catch (err) { alert(err.message); }
});

// Gallery
async function loadGallery() {
  const items = await api('/api/gallery');
  $('gallery').innerHTML = items.length ? items.map(({ job, download, poster }) =>
    `<div class="card" data-id="${job.id}"><img src="${poster}" alt="poster frame"><div>${escapeHtml(job.title)} · ${escapeHtml(job.request.clip.split('/').pop())}</div>` +
    `<dl><dt>model</dt><dd>${escapeHtml(job.request.model)}</dd><dt>background</dt><dd>${escapeHtml(job.request.background)}</dd>` +
    `<dt>render</dt><dd>${job.renderSeconds ? job.renderSeconds.toFixed(1) + ' s' : ''}</dd></dl>` +
    `<div class="provenance muted">checking provenance…</div>` +
    `<div class="row"><a class="download" href="${download}" download>Download</a><button data-act="again">Use these settings again</button></div></div>`).join('')
    : '<p class="muted">Nothing rendered yet.</p>';
  for (const card of document.querySelectorAll('.card')) {
    api(`/api/gallery/${card.dataset.id}/provenance`).then((p) => {
      const el = card.querySelector('.provenance');
      el.textContent = `${p.verdict}; signature ${p.signature || 'none'}, watermark ${p.watermark ? 'found' : 'not found'}`;
      el.className = 'provenance ' + (p.trusted ? 'ok' : 'error');
    }).catch((e) => { card.querySelector('.provenance').textContent = e.message; });
  }
}
$('gallery').addEventListener('click', async (e) => {
  if (e.target.dataset.act !== 'again') return;
  const id = e.target.closest('.card').dataset.id;
  try {
    const job = state.jobs.get(id);
    const request = await api(`/api/gallery/${id}/settings`);
    // A walk comes back from its manifest as a walk request: the walks page takes it.
    if (request.walk) { await window.studio.restoreWalk(request.walk); return; }
    openClip(await api('/api/clips/info?path=' + encodeURIComponent(request.clip)));
    state.points = request.subject || [];
    $('model').value = request.model; showLicence();
    $('harmonize').value = request.harmonize; $('lightwrap').value = request.lightWrap;
    if (request.background.startsWith('#')) { $('colour').value = request.background; document.querySelector('input[name=bg][value=colour]').checked = true; }
    else if (request.background === 'blur') document.querySelector('input[name=bg][value=blur]').checked = true;
    else if (request.background.startsWith('image:')) { state.backgroundImage = request.background.slice(6); $('bg-image-name').textContent = state.backgroundImage; document.querySelector('input[name=bg][value=image]').checked = true; }
    if (request.scene) window.studio.restoreScene(request.scene);
    openTab('clip');
    show('render-message', 'settings loaded from the output\'s manifest', 'ok');
  } catch (err) { alert(err.message); }
});

function escapeHtml(text) { return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

Object.assign(window.studio, { api, post, show, openTab, escapeHtml, state, renderRequest });
loadClipList(); loadModels(); connectEvents();
window.studio.loadedAt = performance.now();
