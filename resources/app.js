// SSE Dashboard demo page. Plain browser JavaScript: no build step, no CDN, nothing fetched
// but this page's own files and its /events stream, so it works offline on a LAN.
//
// Wire contract: docs/protocol.md. Reconnection is left to EventSource itself (it resends
// Last-Event-ID and honours the server's `retry:`); this page only reconnects by hand when the
// browser has given up (readyState CLOSED, e.g. after a non-200 answer).
'use strict';

(() => {
  // Cards kept in the DOM; older ones are dropped so a long session keeps bounded memory.
  const MAX_CARDS = 500;
  // Cards are added in batches so a flood of events costs one layout per batch, not per event.
  const FLUSH_DELAY_MS = 30;
  // Same rule the server applies (docs/protocol.md, "Field rules"): reject early, say why.
  const CHANNEL_RE = /^[A-Za-z0-9_.:/-]{1,64}$/;
  // Control events the server sends; never rendered as cards, never listened to as data types.
  const RESERVED_PREFIX = 'dashboard.';

  const byTestId = (root, id) => root.querySelector(`[data-testid="${id}"]`);
  const el = (id) => byTestId(document, id);

  const ui = {
    state: el('state'),
    reconnects: el('reconnects'),
    lastId: el('last-id'),
    clientId: el('client-id'),
    subscribed: el('subscribed'),
    types: el('event-types'),
    form: el('channels-form'),
    input: el('channels-input'),
    channelsError: el('channels-error'),
    closedNote: el('closed-note'),
    waitNote: el('wait-note'),
    reconnectButton: el('reconnect-button'),
    gapBanner: el('gap-banner'),
    gapText: el('gap-text'),
    gapDismiss: el('gap-dismiss'),
    list: el('events'),
    count: el('event-count'),
    empty: el('empty-note'),
    clear: el('clear-button'),
    publishUrl: el('publish-url'),
    template: document.getElementById('card-template'),
  };

  // Query parameters of the page itself: ?channel=a&channel=b (or "a,b") preselects channels,
  // ?token=T is passed on to /events for servers started with --subscriber-token (EventSource
  // cannot send an Authorization header).
  const pageParams = new URLSearchParams(location.search);
  const token = pageParams.get('token');

  let source = null; // the current EventSource
  let listened = new Set(); // event types with a listener on `source`
  let knownTypes = new Set(); // every type the server announced, for display
  let channels = parseChannels(pageParams.getAll('channel').join(',')).channels;
  let everOpened = false; // has this subscription been open once (connecting vs reconnecting)
  let attempts = 0; // failed attempts since the last open, shown as a hint
  let waitTimer = 0; // shows the wait note when the stream has not opened after WAIT_NOTE_MS
  // A stream that has not opened after this long is most likely waiting for a connection:
  // browsers open at most six HTTP/1.1 connections to one server.
  const WAIT_NOTE_MS = 3000;
  let reconnects = 0;
  let lastId = '';
  let received = 0;
  let pending = []; // cards waiting for the next flush
  let flushTimer = 0;

  // --- connection -------------------------------------------------------------------------

  function eventsUrl(resumeFrom) {
    // control=1: this page wants the dashboard.* events (hello, types, history gaps), which
    // plain streams never carry.
    const q = new URLSearchParams({ control: '1' });
    for (const c of channels) q.append('channel', c);
    if (token) q.set('token', token);
    // Only for a hand-made reconnect: EventSource sends the Last-Event-ID header by itself on
    // its own reconnects, but a new EventSource starts with none, so pass it as the query.
    if (resumeFrom) q.set('lastEventId', resumeFrom);
    return `events?${q}`;
  }

  function connect({ resumeFrom = '', isReconnect = false } = {}) {
    if (source) source.close();
    everOpened = isReconnect;
    attempts = 0;
    listened = new Set();
    setState('connecting');
    ui.closedNote.hidden = true;
    ui.waitNote.hidden = true;
    clearTimeout(waitTimer);

    const es = new EventSource(eventsUrl(resumeFrom));
    source = es;
    let esOpened = false;
    waitTimer = setTimeout(() => {
      if (source === es && !esOpened && es.readyState === EventSource.CONNECTING) ui.waitNote.hidden = false;
    }, WAIT_NOTE_MS);
    // Every handler checks `source === es` so events of a closed, replaced stream are ignored.
    es.addEventListener('open', () => {
      if (source !== es) return;
      if (everOpened) setReconnects(reconnects + 1);
      everOpened = true;
      esOpened = true;
      attempts = 0;
      clearTimeout(waitTimer);
      ui.waitNote.hidden = true;
      setState('open');
    });
    es.addEventListener('error', () => {
      if (source !== es) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (non-200 status, wrong content type...): only a new one helps.
        setState('closed');
        ui.closedNote.hidden = false;
      } else {
        attempts += 1;
        setState('reconnecting');
      }
    });
    es.addEventListener('dashboard.hello', (e) => source === es && onHello(e));
    es.addEventListener('dashboard.types', (e) => source === es && onTypes(e));
    es.addEventListener('dashboard.history-gap', (e) => source === es && onGap(e));
    listen(es, 'message'); // the default type, even before the server announces it
  }

  function listen(es, type) {
    if (listened.has(type) || type.startsWith(RESERVED_PREFIX)) return;
    listened.add(type);
    es.addEventListener(type, (e) => source === es && onData(type, e));
  }

  function announceTypes(types) {
    if (!Array.isArray(types)) return;
    for (const t of types) {
      if (typeof t !== 'string' || t === '') continue;
      listen(source, t);
      if (!t.startsWith(RESERVED_PREFIX)) knownTypes.add(t);
    }
    ui.types.textContent = knownTypes.size ? [...knownTypes].join(', ') : '—';
  }

  // --- control events ---------------------------------------------------------------------

  function parseJson(e) {
    noteId(e);
    try {
      return JSON.parse(e.data);
    } catch {
      console.warn(`sse-dashboard: ${e.type} with data that is not JSON`, e.data);
      return null;
    }
  }

  function onHello(e) {
    const hello = parseJson(e);
    if (!hello) return;
    ui.clientId.textContent = hello.clientId != null ? String(hello.clientId) : '—';
    if (Array.isArray(hello.channels)) {
      ui.subscribed.textContent = hello.channels.join(', ') || '—';
    }
    announceTypes(hello.eventTypes);
  }

  function onTypes(e) {
    const msg = parseJson(e);
    if (msg) announceTypes(msg.eventTypes);
  }

  function onGap(e) {
    const gap = parseJson(e) || {};
    const since = gap.lastEventId != null ? `"${gap.lastEventId}"` : 'the last one seen';
    let text;
    if (gap.reason === 'evicted') {
      const oldest = gap.oldestId != null ? ` (it now starts at id "${gap.oldestId}")` : '';
      text = `events after id ${since} are no longer in the server's history${oldest}; ` +
        'some events were missed. Showing what the history still holds.';
    } else {
      text = `the server does not know event id ${since} (it may have restarted), ` +
        'so events may have been missed. Showing its whole history.';
    }
    ui.gapText.textContent = text;
    ui.gapBanner.dataset.reason = gap.reason || 'unknown';
    ui.gapBanner.hidden = false;
    // Also mark the spot in the list, so it is clear which cards came before the gap.
    const marker = document.createElement('li');
    marker.className = 'gap-marker';
    marker.dataset.testid = 'gap-marker';
    marker.textContent = `history gap (${gap.reason || 'unknown'}): events may be missing here`;
    queueNode(marker);
  }

  // --- data events ------------------------------------------------------------------------

  function noteId(e) {
    // MessageEvent.lastEventId is the stream's last id (events without `id:` keep it).
    if (e.lastEventId !== lastId) {
      lastId = e.lastEventId;
      ui.lastId.textContent = lastId || '—';
    }
  }

  function onData(type, e) {
    noteId(e);
    received += 1;
    const now = new Date();
    const card = ui.template.content.firstElementChild.cloneNode(true);
    card.dataset.type = type;
    card.dataset.id = e.lastEventId;
    // Untrusted input: textContent only, never innerHTML.
    byTestId(card, 'event-type').textContent = type;
    byTestId(card, 'event-id').textContent = e.lastEventId ? `#${e.lastEventId}` : '';
    const time = byTestId(card, 'event-time');
    time.dateTime = now.toISOString();
    time.textContent = formatTime(now);
    const { text, json } = formatData(e.data);
    const data = byTestId(card, 'event-data');
    data.textContent = text;
    data.dataset.format = json ? 'json' : 'text';
    queueNode(card);
  }

  function formatData(data) {
    const t = data.trim();
    // Only objects and arrays are worth re-indenting; "42" or "true" stay as sent.
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return { text: JSON.stringify(JSON.parse(t), null, 2), json: true };
      } catch {
        // Not JSON after all: show it as sent.
      }
    }
    return { text: data, json: false };
  }

  function formatTime(d) {
    const pad = (n, w = 2) => String(n).padStart(w, '0');
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  function queueNode(node) {
    pending.push(node);
    // Cards beyond the cap would be dropped at the flush anyway: keep the queue bounded too.
    if (pending.length > MAX_CARDS) pending.splice(0, pending.length - MAX_CARDS);
    if (!flushTimer) flushTimer = setTimeout(flush, FLUSH_DELAY_MS);
  }

  function flush() {
    flushTimer = 0;
    const frag = document.createDocumentFragment();
    // Newest first: the last received goes on top.
    for (let i = pending.length - 1; i >= 0; i--) frag.appendChild(pending[i]);
    pending = [];
    ui.list.prepend(frag);
    while (ui.list.childElementCount > MAX_CARDS) ui.list.lastElementChild.remove();
    updateCount();
  }

  function updateCount() {
    const shown = ui.list.querySelectorAll('[data-testid="event-card"]').length;
    ui.count.textContent = shown < received ? `${received} received, last ${shown} shown` : `${received} received`;
    ui.empty.hidden = ui.list.childElementCount > 0;
  }

  // --- status -----------------------------------------------------------------------------

  function setState(state) {
    ui.state.dataset.state = state;
    ui.state.textContent = state === 'reconnecting' && attempts > 1 ? `reconnecting (attempt ${attempts})` : state;
    document.title = `${state === 'open' ? '●' : '○'} SSE Dashboard — ${state}`;
  }

  function setReconnects(n) {
    reconnects = n;
    ui.reconnects.textContent = String(n);
  }

  // --- channels ---------------------------------------------------------------------------

  function parseChannels(text) {
    const out = [];
    for (const part of text.split(',')) {
      const c = part.trim();
      if (c === '') continue;
      if (!CHANNEL_RE.test(c)) {
        return { error: `"${c}" is not a valid channel name: 1-64 letters, digits, "-", "_", ".", ":" or "/".` };
      }
      if (!out.includes(c)) out.push(c);
    }
    return { channels: out };
  }

  function applyChannels() {
    const parsed = parseChannels(ui.input.value);
    ui.channelsError.hidden = !parsed.error;
    ui.channelsError.textContent = parsed.error || '';
    ui.input.setAttribute('aria-invalid', parsed.error ? 'true' : 'false');
    if (parsed.error) return;
    ui.input.value = parsed.channels.join(', ');
    if (parsed.channels.join(',') === channels.join(',')) return; // unchanged: keep the stream
    channels = parsed.channels;
    // Keep the choice in the address bar so a reload or a shared link subscribes the same way.
    const q = new URLSearchParams(location.search);
    q.delete('channel');
    for (const c of channels) q.append('channel', c);
    const s = q.toString();
    history.replaceState(null, '', s ? `?${s}` : location.pathname);
    ui.gapBanner.hidden = true;
    ui.subscribed.textContent = '—';
    ui.clientId.textContent = '—';
    // A fresh subscription (not a resume): other channels have their own events.
    connect();
  }

  // --- wiring -----------------------------------------------------------------------------

  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyChannels();
  });
  ui.input.addEventListener('change', applyChannels);
  ui.reconnectButton.addEventListener('click', () => connect({ resumeFrom: lastId, isReconnect: true }));
  ui.gapDismiss.addEventListener('click', () => {
    ui.gapBanner.hidden = true;
  });
  ui.clear.addEventListener('click', () => {
    pending = [];
    ui.list.replaceChildren();
    received = 0;
    updateCount();
  });
  // Leaving the page closes the stream at once; coming back from the back/forward cache
  // resumes it where it stopped.
  window.addEventListener('pagehide', () => source && source.close());
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) connect({ resumeFrom: lastId, isReconnect: true });
  });

  ui.input.value = channels.join(', ');
  ui.publishUrl.textContent = new URL('publish', location.href).href;
  connect();
})();
