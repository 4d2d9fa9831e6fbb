// HTTPS end to end (docs/tls.md): the real server with --tls-local, Debian's chromium trusting
// the local CA through an NSS database made with certutil (what the docs tell users to do), the
// `eventsource` client, and the OpenAI-style route, all over https.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import {
  startServer,
  launchBrowser,
  waitForState,
  waitForCard,
  waitFor,
  openStream,
} from './lib/harness.mjs';

let server; // https, --tls-local
let plain; // the same server over plain http, on every interface
// A non-loopback address of this machine: browsers let https pages reach http://127.0.0.1
// (loopback counts as secure), so mixed content shows on another address only.
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((entry) => entry.family === 'IPv4' && !entry.internal)?.address;
let otherOrigin; // another https origin, whose page subscribes to `server` (or `plain`)
let otherUrl;
let browser;

before(async () => {
  server = await startServer({
    tls: true,
    args: ['--route', 'POST /v1/chat/completions=:/scenarios/openai-chat.jsonl'],
  });
  plain = await startServer({ args: ['--bind', '0.0.0.0'] });
  // Served with the local CA's certificate too, for localhost: https://localhost:P is another
  // origin than https://127.0.0.1:Q, and a secure one.
  const folder = path.dirname(server.caFile);
  otherOrigin = https.createServer(
    {
      cert: await fs.readFile(path.join(folder, 'server.pem')),
      key: await fs.readFile(path.join(folder, 'server-key.pem')),
    },
    (request, response) => {
      const stream = new URL(request.url, 'https://localhost').searchParams.get('stream');
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>another app</title><pre id="log"></pre><script>
        const log = document.getElementById('log');
        const source = new EventSource(${JSON.stringify(stream)});
        source.onopen = () => { log.dataset.state = 'open'; };
        source.onmessage = (event) => { log.textContent += event.data + '\\n'; };
      </script>`);
    },
  );
  await new Promise((resolve) => otherOrigin.listen(0, '127.0.0.1', resolve));
  otherUrl = `https://localhost:${otherOrigin.address().port}/`;
  browser = await launchBrowser({ trustCaFile: server.caFile });
});

after(async () => {
  await browser?.close();
  otherOrigin?.close();
  await server?.stop();
  await plain?.stop();
});

test('the demo page over https receives events', async () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await browser.open(server.url);
  await waitForState(page, 'open');
  const { id } = await server.publish({ event: 'greeting', data: 'over https' });
  const card = await waitForCard(page, id);
  assert.match(card.data, /over https/);
  const clients = await server.clients();
  assert.ok(clients.some((client) => client.tls === 'TLSv1.3'), JSON.stringify(clients));
  assert.deepEqual(page.problems, []);
});

test('a page of another https origin subscribes; over plain http the same page is blocked', async () => {
  const page = await browser.open(`${otherUrl}?stream=${encodeURIComponent(`${server.url}events`)}`);
  await waitFor(() => page.$eval('#log', (log) => log.dataset.state === 'open'), { what: 'the stream to open' });
  await server.publish({ data: 'to another origin' });
  await waitFor(async () => (await page.textContent('#log')).includes('to another origin'), {
    what: 'the event on the page of another origin',
  });

  // The same page against http://: mixed content, which chromium blocks before any request.
  assert.ok(lanAddress, 'this machine has a non-loopback IPv4 address to serve plain http on');
  const insecureStream = `http://${lanAddress}:${plain.port}/events`;
  const blocked = await browser.open(`${otherUrl}?stream=${encodeURIComponent(insecureStream)}`);
  await waitFor(() => blocked.problems.some((problem) => /Mixed Content/i.test(problem)), {
    what: 'chromium to block the http:// stream as mixed content',
  });
  await plain.publish({ data: 'never seen' });
  assert.equal(await blocked.textContent('#log'), '');
  assert.deepEqual(await plain.clients(), []);
});

test('the eventsource client reads a stream over https', async () => {
  const source = openStream(new URL('events', server.url), { fetchWith: server.fetch });
  try {
    await waitFor(() => source.readyState === 1, { what: 'the eventsource client to open' });
    const { id } = await server.publish({ event: 'tls', data: 'for the eventsource package' });
    const event = await source.waitForEvent((e) => e.id === id, `event ${id}`);
    assert.equal(event.data, 'for the eventsource package');
  } finally {
    source.close();
  }
});

test('the OpenAI-style route streams over https', async () => {
  const response = await server.fetch(new URL('v1/chat/completions', server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-test' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const text = await response.text(); // ends when the scenario does
  assert.match(text, /"object":"chat\.completion\.chunk"/);
  assert.match(text, /data: \[DONE\]\s*$/);
});

test('plain http on the https port: the CA downloads, everything else is redirected', async () => {
  const insecure = `http://127.0.0.1:${server.port}/`;
  const certificate = await fetch(new URL('ca.crt', insecure));
  assert.equal(certificate.status, 200);
  assert.equal(certificate.headers.get('content-type'), 'application/x-x509-ca-cert');
  assert.ok((await certificate.arrayBuffer()).byteLength > 300);
  const events = await fetch(new URL('events', insecure), { redirect: 'manual' });
  assert.equal(events.status, 308);
  assert.equal(events.headers.get('location'), `${server.url}events`);
});
