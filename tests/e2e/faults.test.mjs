// What real clients do when a fault breaks their stream (docs/faults.md): Chromium's
// EventSource and the `eventsource` npm package, side by side on one channel per test. A fault
// on the channel hits both at once; the test then watches each reconnect (or stop) and checks
// that nothing published was lost or seen twice.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openStream, waitFor } from './lib/harness.mjs';

let server;
let browser;
let page;
const npmClients = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // A page of the server's own origin, without the demo page's script: the test's own
  // EventSources are the only ones.
  page = await browser.open(new URL('healthz', server.url).href);
});

after(async () => {
  for (const es of npmClients) es.close();
  await browser?.close();
  await server?.stop();
});

async function installFault(spec) {
  const res = await fetch(new URL('api/faults', server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(spec),
  });
  const text = await res.text();
  assert.equal(res.status, 201, `POST /api/faults ${JSON.stringify(spec)}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function removeFault(id) {
  const res = await fetch(new URL(`api/faults/${id}`, server.url), { method: 'DELETE' });
  assert.equal(res.status, 200);
}

const clientsOn = async (channel) =>
  (await server.clients()).filter((c) => (c.channels ?? []).includes(channel));

/** Chromium's EventSource on `channel`, recording opens, errors and messages in the page. */
async function openInChromium(channel) {
  await page.evaluate((ch) => {
    window.streams ??= {};
    // Chromium holds at most 6 connections to one host: earlier tests' streams are closed.
    for (const stream of Object.values(window.streams)) stream.es.close();
    const es = new EventSource(`/events?channel=${ch}`);
    const log = [];
    es.onopen = () => log.push({ t: 'open', at: performance.now() });
    es.onerror = () => log.push({ t: 'error', at: performance.now(), readyState: es.readyState });
    es.onmessage = (e) => log.push({ t: 'message', data: e.data, id: e.lastEventId });
    window.streams[ch] = { es, log };
  }, channel);
}

const chromiumLog = (channel) => page.evaluate((ch) => window.streams[ch].log, channel);
const chromiumState = (channel) => page.evaluate((ch) => window.streams[ch].es.readyState, channel);

/** The `eventsource` package on `channel`, with the same record. */
function openWithNpm(channel) {
  const es = openStream(new URL(`events?channel=${channel}`, server.url).href);
  es.log = [];
  es.addEventListener('open', () => es.log.push({ t: 'open', at: performance.now() }));
  es.addEventListener('error', () => es.log.push({ t: 'error', at: performance.now(), readyState: es.readyState }));
  es.addEventListener('message', (e) => es.log.push({ t: 'message', data: e.data, id: e.lastEventId }));
  npmClients.push(es);
  return es;
}

/** Opens both clients on `channel` and waits until the server has both streams. */
async function openBoth(channel) {
  for (const es of npmClients) es.close();
  await openInChromium(channel);
  const npm = openWithNpm(channel);
  await waitFor(async () => (await clientsOn(channel)).length === 2, { what: `two clients on ${channel}` });
  return npm;
}

const count = (log, t) => log.filter((e) => e.t === t).length;
const messages = (log) => log.filter((e) => e.t === 'message').map((e) => e.data);

async function bothLogs(channel, npm) {
  return { chromium: await chromiumLog(channel), npm: npm.log };
}

/** Waits until both clients have `expected` messages; on a timeout, says what each has. */
async function waitForBoth(channel, npm, expected) {
  try {
    await waitFor(async () => messages(await chromiumLog(channel)).length >= expected.length, {
      what: `Chromium has ${expected.length} event(s)`,
    });
    await waitFor(() => messages(npm.log).length >= expected.length, {
      what: `eventsource has ${expected.length} event(s)`,
    });
  } catch (err) {
    err.message += `\nexpected: ${JSON.stringify(expected)}`;
    err.message += `\nclients' logs: ${JSON.stringify(await bothLogs(channel, npm))}`;
    err.message += `\nserver's clients: ${JSON.stringify(await clientsOn(channel))}`;
    throw err;
  }
}

for (const kind of ['close', 'reset', 'cut-mid-event']) {
  test(`both clients reconnect after ${kind}, and get what they missed exactly once`, async () => {
    const channel = `k-${kind}`;
    const npm = await openBoth(channel);
    // A short retry first (a fault of its own), so the reconnects come quickly.
    await installFault({ kind: 'retry', channel, ms: 200 });
    await server.publish({ channel, data: 'before' });
    // Both have read it before the break, so each resumes from its id. An RST may make the
    // receiver discard bytes not read yet (RFC 9293 lets it flush its queues); that is not
    // what this tests.
    await waitForBoth(channel, npm, ['before']);
    const before = (await clientsOn(channel)).map((c) => c.id);

    const { applied } = await installFault({ kind, channel });
    assert.equal(applied, 2, 'both streams are hit');
    // close and reset have ended both streams: this one is published while both are away.
    // cut-mid-event acts on this event: each stream ends in the middle of it.
    const missed = kind === 'cut-mid-event' ? 'the event that is cut' : 'published while away';
    await server.publish({ channel, data: missed });

    // Each reconnects on its own: two new streams, none of the old ones.
    await waitFor(
      async () => {
        const now = (await clientsOn(channel)).map((c) => c.id);
        return now.length === 2 && now.every((id) => !before.includes(id));
      },
      { what: `both clients back on ${channel}` },
    );
    await server.publish({ channel, data: 'after' });
    const expected = ['before', missed, 'after'];
    await waitForBoth(channel, npm, expected);
    for (const [name, log] of Object.entries(await bothLogs(channel, npm))) {
      assert.deepEqual(messages(log), expected, `${name} got each event once, in order`);
      assert.equal(count(log, 'open'), 2, `${name} opened twice`);
      assert.ok(count(log, 'error') >= 1, `${name} saw the break as an error event`);
    }
  });
}

test('both clients stop for good on status 204', async () => {
  const channel = 'k-204';
  const npm = await openBoth(channel);
  await installFault({ kind: 'retry', channel, ms: 200 });
  const { id } = await installFault({ kind: 'status', status: 204 });
  await installFault({ kind: 'close', channel });
  // The reconnect gets 204: EventSource fails the connection and does not try again.
  await waitFor(async () => (await chromiumState(channel)) === 2, { what: 'Chromium CLOSED' });
  await waitFor(() => npm.readyState === 2, { what: 'eventsource CLOSED' });
  const faults = await (await fetch(new URL('api/faults', server.url))).json();
  assert.equal(faults.find((f) => f.id === id).applied, 2, 'each client asked once');
  await removeFault(id);
  assert.equal((await clientsOn(channel)).length, 0);
  for (const log of Object.values(await bothLogs(channel, npm))) assert.equal(count(log, 'open'), 1);
});

test('both clients follow retry: the reconnect waits at least that long', async () => {
  const channel = 'k-retry';
  const npm = await openBoth(channel);
  const retryMs = 1500;
  await installFault({ kind: 'retry', channel, ms: retryMs });
  await installFault({ kind: 'close', channel });
  await waitFor(async () => (await clientsOn(channel)).length === 2, { what: 'both back' });
  await waitFor(async () => count(await chromiumLog(channel), 'open') === 2, { what: 'Chromium reopened' });
  await waitFor(() => count(npm.log, 'open') === 2, { what: 'eventsource reopened' });
  for (const [name, log] of Object.entries(await bothLogs(channel, npm))) {
    const error = log.find((e) => e.t === 'error');
    const reopened = log.filter((e) => e.t === 'open')[1];
    const waited = reopened.at - error.at;
    console.log(`${name}: reconnected ${Math.round(waited)} ms after the close (retry: ${retryMs})`);
    // A lower bound only: how much later it comes depends on the machine.
    assert.ok(waited >= retryMs - 50, `${name} waited ${waited} ms, less than retry ${retryMs}`);
  }
});

test('after a stall then a cut, both resume with Last-Event-ID and miss nothing', async () => {
  const channel = 'k-stall';
  const npm = await openBoth(channel);
  await installFault({ kind: 'retry', channel, ms: 200 });
  await server.publish({ channel, data: 'e1' });
  await installFault({ kind: 'stall', channel, seconds: 1 });
  await server.publish({ channel, data: 'e2 (queued by the stall)' });
  // The stall ends by itself and the queued event arrives on the same connection.
  await waitForBoth(channel, npm, ['e1', 'e2 (queued by the stall)']);
  const before = (await clientsOn(channel)).map((c) => c.id);
  for (const log of Object.values(await bothLogs(channel, npm))) assert.equal(count(log, 'open'), 1);

  await installFault({ kind: 'cut-mid-event', channel });
  await server.publish({ channel, data: 'e3 (cut, then replayed)' });
  await waitFor(
    async () => {
      const now = await clientsOn(channel);
      return now.length === 2 && now.every((c) => !before.includes(c.id));
    },
    { what: 'both reconnected' },
  );
  await server.publish({ channel, data: 'e4' });
  const expected = ['e1', 'e2 (queued by the stall)', 'e3 (cut, then replayed)', 'e4'];
  await waitForBoth(channel, npm, expected);
  for (const [name, log] of Object.entries(await bothLogs(channel, npm))) {
    assert.deepEqual(messages(log), expected, `${name}: every event once, in order`);
  }
  // The replay came from Last-Event-ID: the server saw each reconnect ask for it.
  const reconnected = await clientsOn(channel);
  for (const client of reconnected) assert.ok(client.eventsSent >= 2, 'the replayed event and e4');
});

test('what each client makes of a malformed event', async () => {
  const observed = {};
  for (const variant of ['cr-line-endings', 'bom', 'lone-cr', 'invalid-utf8', 'no-colon']) {
    const channel = `m-${variant}`;
    const npm = await openBoth(channel);
    // An event first: a byte-order mark at the very start of a stream is skipped by design.
    await server.publish({ channel, data: 'first' });
    await waitFor(async () => messages(await chromiumLog(channel)).length === 1, { what: 'first' });
    await waitFor(() => messages(npm.log).length === 1, { what: 'first' });
    await installFault({ kind: 'malformed', channel, variant });
    await server.publish({ channel, data: 'hello' });
    await server.publish({ channel, data: 'plain' });
    await waitFor(async () => messages(await chromiumLog(channel)).includes('plain'), { what: `Chromium, ${variant}` });
    await waitFor(() => messages(npm.log).includes('plain'), { what: `eventsource, ${variant}` });
    const logs = await bothLogs(channel, npm);
    observed[variant] = Object.fromEntries(
      Object.entries(logs).map(([name, log]) => [
        name,
        log.filter((e) => e.t === 'message').map((e) => [e.data, e.id]),
      ]),
    );
    npm.close();
  }
  // What the WHATWG parsing rules make of each flaw; both clients follow them.
  // IDn: the n-th distinct id the client saw.
  const expected = {
    'cr-line-endings': [['first', 'ID1'], ['hello', 'ID2'], ['plain', 'ID3']],
    // The BOM spoils the id line's name: "hello" keeps the id of the event before it.
    bom: [['first', 'ID1'], ['hello', 'ID1'], ['plain', 'ID2']],
    'lone-cr': [['first', 'ID1'], ['he', 'ID2'], ['plain', 'ID3']], // "llo" became a line
    'invalid-utf8': [['first', 'ID1'], ['he\uFFFD\uFFFDllo', 'ID2'], ['plain', 'ID3']],
    'no-colon': [['first', 'ID1'], ['\nhello', 'ID2'], ['plain', 'ID3']], // "data" adds a line
  };
  // Observed difference: the `eventsource` package reports an event without an id line of its
  // own with lastEventId "" (ID0 here), where Chromium keeps the last id, as WHATWG says.
  const npmExpected = { bom: [['first', 'ID1'], ['hello', 'ID0'], ['plain', 'ID2']] };
  for (const [variant, byClient] of Object.entries(observed)) {
    for (const [name, got] of Object.entries(byClient)) {
      const ids = [...new Set(got.map(([, id]) => id).filter(Boolean))];
      const normalized = got.map(([data, id]) => [data, `ID${ids.indexOf(id) + 1}`]);
      const wanted = (name === 'npm' && npmExpected[variant]) || expected[variant];
      assert.deepEqual(normalized, wanted, `${name}, ${variant}`);
    }
  }
});

test('a 503 with Retry-After stops both clients; a 307 is followed', async () => {
  const channel = 'k-503';
  const npm = await openBoth(channel);
  await installFault({ kind: 'retry', channel, ms: 200 });
  const unavailable = await installFault({ kind: 'status', status: 503, retryAfter: 1 });
  await installFault({ kind: 'close', channel });
  await waitFor(async () => (await chromiumState(channel)) === 2, { what: 'Chromium CLOSED after 503' });
  await waitFor(() => npm.readyState === 2, { what: 'eventsource CLOSED after 503' });
  await removeFault(unavailable.id);

  const moved = 'k-307';
  const npm307 = await openBoth(moved);
  await installFault({ kind: 'retry', channel: moved, ms: 200 });
  // One client at a time, with a one-shot 307: the redirected request is a new connection
  // too, and must not be redirected again.
  for (const isChromium of [true, false]) {
    const client = (await clientsOn(moved)).find((c) => /Chrome/.test(c.userAgent) === isChromium);
    await installFault({ kind: 'status', status: 307, location: '/events?channel=k-307-new', oneShot: true });
    await installFault({ kind: 'close', client: client.id });
    await waitFor(
      async () => (await clientsOn('k-307-new')).some((c) => /Chrome/.test(c.userAgent) === isChromium),
      { what: `${isChromium ? 'Chromium' : 'eventsource'} on the new channel` },
    );
  }
  await server.publish({ channel: 'k-307-new', data: 'found you' });
  await waitFor(async () => messages(await chromiumLog(moved)).includes('found you'), { what: 'Chromium follows 307' });
  await waitFor(() => messages(npm307.log).includes('found you'), { what: 'eventsource follows 307' });
});
