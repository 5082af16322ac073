'use strict';
// Clip page: "Preview matte of whole clip". The server keys the whole clip at low resolution with the model and the
// points placed so far (as a render would) and sends each frame's progress over Server-Sent Events; the finished
// WebM plays below. Loaded after app.js and reads what it exposes (window.studio.state, api, post) and the model select.
{
  const preview = { id: null, events: null };
  window.studio.mattePreview = preview;
  const status = (text, kind) => { const el = $('matte-preview-status'); el.textContent = text; el.className = 'message ' + (kind || 'muted'); };

  function finish() {
    if (preview.events) preview.events.close();
    preview.events = null;
    $('matte-preview-stop').hidden = true;
    $('matte-preview').disabled = false;
  }

  function reset() {
    finish();
    preview.id = null;
    const video = $('matte-preview-video');
    video.pause(); video.removeAttribute('src'); video.load(); video.hidden = true;
    $('matte-preview-progress').hidden = true;
    status('');
  }

  async function start() {
    const { state } = window.studio;
    if (!state.clip) return;
    reset();
    $('matte-preview').disabled = true;
    status('starting…');
    try {
      const started = await window.studio.post('/api/matte-preview', { clip: state.clip.path, model: $('model').value, points: state.points });
      preview.id = started.id;
      const bar = $('matte-preview-progress');
      bar.max = started.frames; bar.value = 0; bar.hidden = false;
      $('matte-preview-stop').hidden = started.cached;
      follow(started);
    } catch (e) { finish(); status(e.message, 'error'); }
  }

  function follow(started) {
    const events = new EventSource(started.events);
    preview.events = events;
    const mine = () => preview.id === started.id;
    events.addEventListener('step', (e) => {
      if (!mine()) return;
      const p = JSON.parse(e.data);
      $('matte-preview-progress').value = p.frame;
      status(`frame ${p.frame} of ${p.frames}`);
    });
    events.addEventListener('done', (e) => {
      if (!mine()) return;
      const p = JSON.parse(e.data);
      finish();
      $('matte-preview-progress').value = p.frames;
      status(`matte preview: ${p.message}`, 'ok');
      const video = $('matte-preview-video');
      video.src = p.video; video.hidden = false;
    });
    for (const kind of ['stopped', 'error']) {
      events.addEventListener(kind, (e) => {
        if (!mine()) return;
        finish();
        status(JSON.parse(e.data).message, kind === 'error' ? 'error' : 'muted');
      });
    }
    // A dropped connection is retried by EventSource; a closed one after the end is ours.
    events.onerror = () => { if (mine() && events.readyState === EventSource.CLOSED) { finish(); status('lost the connection to the studio', 'error'); } };
  }

  $('matte-preview').addEventListener('click', start);
  $('matte-preview-stop').addEventListener('click', () => {
    if (preview.id) window.studio.post(`/api/matte-preview/${preview.id}/stop`).catch((e) => status(e.message, 'error'));
  });
  // A new clip (app.js rewrites the clip line when one opens) makes the old preview meaningless.
  new MutationObserver(reset).observe($('clip-info'), { childList: true, characterData: true, subtree: true });
}
