'use strict';
// Models page: the catalog with licences (restrictive ones flagged), disk use, and installs with live progress over
// Server-Sent Events, as the queue gets its progress. Loaded after app.js and uses its helpers ($, api, post, escapeHtml).
const models = { listing: null, installs: new Map(), events: null };
window.studio.modelEvents = [];

function formatBytes(bytes) {
  if (bytes >= 1 << 30) return (bytes / (1 << 30)).toFixed(1) + ' GB';
  if (bytes >= 1 << 20) return (bytes / (1 << 20)).toFixed(1) + ' MB';
  if (bytes >= 1 << 10) return (bytes / 1024).toFixed(1) + ' kB';
  return bytes + ' B';
}

async function loadModelPage() {
  models.listing = await api('/api/models');
  for (const m of models.listing.models) if (m.install) models.installs.set(m.id, m.install);
  drawModels();
  if (!models.events) {
    models.events = new EventSource('/api/models/events');
    const receive = (e, many) => {
      const message = JSON.parse(e.data);
      window.studio.modelEvents.push(message.data);
      (many ? message.data : [message.data]).forEach((install) => models.installs.set(install.id, install));
      drawModels();
      // An install that ended changes what is on disk: list again.
      if (!many && message.data.state !== 'installing') api('/api/models').then((listing) => { models.listing = listing; drawModels(); loadModels(); });
    };
    models.events.addEventListener('installs', (e) => receive(e, true));
    models.events.addEventListener('install', (e) => receive(e, false));
  }
}

function installCell(m) {
  const install = models.installs.get(m.id);
  if (install && install.state === 'installing') {
    const value = install.total ? install.done / install.total : 0;
    return `<progress max="1" value="${value}"></progress> <span class="install-text muted">${escapeHtml(install.detail || install.stage || 'starting')}</span>`;
  }
  const failed = install && install.state === 'failed' ? `<div class="install-text error">${escapeHtml(install.error)}</div>` : '';
  if (m.installed) return `<span class="install-text ok">installed</span>${failed}`;
  return `<button data-install="${escapeHtml(m.id)}"${m.concern ? ' data-concern="1"' : ''}>Install${m.downloadSize ? ` (~${formatBytes(m.downloadSize)})` : ''}</button>${failed}`;
}

function drawModels() {
  const listing = models.listing;
  if (!listing) return;
  const installed = listing.models.filter((m) => m.installed).length;
  $('models-summary').textContent = `${installed} of ${listing.models.length} catalogued models installed, ${formatBytes(listing.totalBytes)} on disk ` +
    `(model store ${listing.store}; Hugging Face cache ${listing.hubCache})`;
  $('model-rows').innerHTML = listing.models.map((m) => `<tr data-id="${escapeHtml(m.id)}" data-installed="${m.installed}">` +
    `<td><strong>${escapeHtml(m.id)}</strong><div class="desc muted">${escapeHtml(m.description)}</div></td><td>${escapeHtml(m.task)}</td>` +
    `<td><a href="${escapeHtml(m.licenceUrl)}" rel="noreferrer" target="_blank">${escapeHtml(m.licence)}</a>${m.concern ? `<div class="flag">${escapeHtml(m.concern)}</div>` : ''}</td>` +
    `<td class="size">${m.installed ? formatBytes(m.sizeOnDisk) : '—'}</td><td class="install">${installCell(m)}</td></tr>`).join('');
}

$('model-rows').addEventListener('click', async (e) => {
  const id = e.target.dataset.install;
  if (!id) return;
  const m = models.listing.models.find((x) => x.id === id);
  // Restrictive licences are opt-in: the user accepts the licence, and the server refuses without that.
  if (e.target.dataset.concern && !window.confirm(`${id} is licensed ${m.licence}: ${m.concern}. Install it?`)) return;
  try {
    const install = await post(`/api/models/${encodeURIComponent(id)}/install`, { acceptLicence: Boolean(e.target.dataset.concern) });
    models.installs.set(id, install);
    drawModels();
  } catch (err) { models.installs.set(id, { id, state: 'failed', error: err.message }); drawModels(); }
});

document.querySelector('nav button[data-tab=models]').addEventListener('click', () => loadModelPage().catch((e) => { $('models-summary').textContent = e.message; }));
