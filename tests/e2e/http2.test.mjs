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
