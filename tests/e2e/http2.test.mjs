// HTTP/2 end to end (docs/protocol.md, "HTTP/2"): Debian's chromium, trusting the local CA,
// opens 20 EventSources on one https origin and every one is live; the same page over plain
// HTTP/1.1 gets six, the browser's limit per origin, which is what HTTP/2 lifts. curl streams
// the OpenAI-style route over h2 and speaks h2c with prior knowledge.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, launchBrowser, waitFor } from './lib/harness.mjs';

const run = promisify(execFile);
const STREAMS = 20;

let secure; // https, --tls-local: h2 through ALPN
let plain; // http: HTTP/1.1 to browsers, h2c to clients that know
let browser;

before(async () => {
  secure = await startServer({
    tls: true,
    args: ['--route', 'POST /v1/chat/completions=:/scenarios/openai-chat.jsonl'],
  });
  plain = await startServer();
  browser = await launchBrowser({ trustCaFile: secure.caFile });
});

after(async () => {
  await browser?.close();
  await secure?.stop();
  await plain?.stop();
});

// Opens `count` EventSources from a page of the server's own origin (/healthz: a page that
// opens no stream of its own); the page counts which opened and what each received.
async function openSources(server, count) {
  const page = await browser.open(new URL('healthz', server.url).href);
  await page.evaluate((n) => {
    window.sources = [];
    for (let i = 0; i < n; ++i) {
      const source = new EventSource('/events?channel=h2');
      const entry = { source, open: false, received: [] };
      source.onopen = () => { entry.open = true; };
      source.onmessage = (event) => entry.received.push(event.data);
      window.sources.push(entry);
    }
  }, count);
  return page;
}

const state = (page) =>
  page.evaluate(() => window.sources.map((s) => ({ open: s.open, received: s.received.length })));

test(`chromium opens ${STREAMS} EventSources on one https origin, all live`, async () => {
  const page = await openSources(secure, STREAMS);
  try {
    await waitFor(async () => (await state(page)).every((s) => s.open), {
      what: `all ${STREAMS} streams to open`,
    });
    const clients = (await secure.clients()).filter((c) => c.channels.includes('h2'));
    assert.equal(clients.length, STREAMS);
    assert.ok(clients.every((c) => c.protocol === 'h2 · TLSv1.3'), JSON.stringify(clients[0]));
    assert.equal(new Set(clients.map((c) => c.connection)).size, 1, 'one connection for all');
    await secure.publish({ channel: 'h2', data: 'to every tab' });
    await waitFor(async () => (await state(page)).every((s) => s.received === 1), {
      what: 'every stream to receive the event',
    });
  } finally {
    await page.close();
  }
});

test('the same page over HTTP/1.1 opens only six: the limit HTTP/2 lifts', async () => {
  const page = await openSources(plain, STREAMS);
  try {
    await waitFor(async () => (await plain.clients()).length === 6, { what: 'six streams' });
    await plain.publish({ channel: 'h2', data: 'to the six' });
    await waitFor(async () => (await state(page)).filter((s) => s.received === 1).length === 6, {
      what: 'the six open streams to receive the event',
    });
    const sources = await state(page);
    assert.equal(sources.filter((s) => s.open).length, 6);
    assert.equal(sources.filter((s) => !s.open && s.received === 0).length, STREAMS - 6);
    assert.ok((await plain.clients()).every((c) => c.protocol === 'HTTP/1.1'));
  } finally {
    await page.close();
  }
});

test('curl streams the OpenAI-style route over h2', async () => {
  const { stdout } = await run('curl', [
    '-sS', '-i', '--http2', '--cacert', secure.caFile, '-X', 'POST',
    '-H', 'Content-Type: application/json', '-H', 'Authorization: Bearer sk-test',
    '--data', JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    new URL('v1/chat/completions', secure.url).href,
  ]);
  assert.match(stdout, /^HTTP\/2 200/);
  assert.match(stdout, /content-type: text\/event-stream/);
  assert.match(stdout, /"object":"chat\.completion\.chunk"/);
  assert.match(stdout, /data: \[DONE\]\s*$/);
});

test('curl speaks h2c with prior knowledge on the plain port', async () => {
  const { stdout } = await run('curl', ['-sS', '-i', '--http2-prior-knowledge', new URL('healthz', plain.url).href]);
  assert.match(stdout, /^HTTP\/2 200/);
  assert.match(stdout, /\r\n\r\nok$/);
});

// What Chromium does when a fault breaks one stream of its HTTP/2 connection
// (docs/faults.md): the stream alone ends, the EventSource reconnects with its Last-Event-ID on
// the same connection and gets what it missed exactly once, and a second stream of the page,
// on the same connection, goes on untouched.
for (const kind of ['close', 'reset', 'cut-mid-event']) {
  test(`chromium over h2 reconnects after ${kind}; the connection's other stream is untouched`, async () => {
    const channel = `h2-${kind}`;
    const page = await browser.open(new URL('healthz', secure.url).href);
    try {
      await page.evaluate((ch) => {
        const open = (name, c) => {
          const es = new EventSource(`/events?channel=${c}`);
          const log = [];
          es.onopen = () => log.push('open');
          es.onerror = () => log.push('error');
          es.onmessage = (e) => log.push(`message:${e.data}`);
          window[name] = log;
        };
        open('hit', ch);
        open('bystander', `${ch}-other`);
      }, channel);
      await waitFor(async () => (await secure.clients()).filter((c) => c.channels.some((n) => n.startsWith(channel))).length === 2, {
        what: 'both streams',
      });
      const install = async (spec) => {
        const res = await secure.fetch(new URL('api/faults', secure.url), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(spec),
        });
        assert.equal(res.status, 201, await res.text());
      };
      await install({ kind: 'retry', channel, ms: 200 });
      await secure.publish({ channel, data: 'before' });
      await waitFor(async () => (await page.evaluate(() => window.hit)).includes('message:before'), { what: 'before' });
      const [{ id: hitId, connection }] = (await secure.clients()).filter((c) => c.channels.includes(channel));
      await install({ kind, channel });
      await secure.publish({ channel, data: 'missed' });
      await secure.publish({ channel: `${channel}-other`, data: 'to the bystander' });
      await waitFor(async () => (await page.evaluate(() => window.hit)).includes('message:missed'), { what: 'the missed event, replayed' });
      const hit = await page.evaluate(() => window.hit);
      assert.deepEqual(hit.filter((e) => e.startsWith('message:')), ['message:before', 'message:missed'], JSON.stringify(hit));
      assert.ok(hit.includes('error') && hit.filter((e) => e === 'open').length === 2, JSON.stringify(hit));
      const again = (await secure.clients()).find((c) => c.channels.includes(channel));
      assert.notEqual(again.id, hitId, 'a new stream');
      assert.equal(again.connection, connection, 'on the same connection');
      const bystander = await page.evaluate(() => window.bystander);
      assert.deepEqual(bystander, ['open', 'message:to the bystander'], JSON.stringify(bystander));
    } finally {
      await page.close();
    }
  });
}
