// The browser threat model (docs/security.md) in a real browser: a page from another origin on
// the operator's own machine, where loopback is trusted, must not be able to drive the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, launchBrowser, waitForState, pageClientId, getJson } from './lib/harness.mjs';

let server;
let browser;
let foreign; // a plain web server on another loopback port: "any site the operator opens"
let foreignUrl;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  foreign = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignUrl = `http://127.0.0.1:${foreign.address().port}/`;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => foreign?.close(resolve));
});

test('a page from another origin can neither publish, kick, nor read client addresses', async () => {
  const demo = await browser.open(server.url);
  await waitForState(demo, 'open');
  const clientId = await pageClientId(demo);
  const before = await getJson(server.url, 'api/stats');

  const attacker = await browser.open(foreignUrl);
  const outcome = await attacker.evaluate(
    async ({ target, clientId }) => {
      const attempt = async (what) => {
        try {
          return await what();
        } catch (err) {
          return `blocked: ${err.message}`;
        }
      };
      return {
        // A "simple" request needs no preflight: the browser sends it whatever CORS says.
        publish: await attempt(async () => {
          const res = await fetch(`${target}publish`, {
            method: 'POST',
            mode: 'no-cors',
            headers: { 'Content-Type': 'text/plain' },
            body: 'from another origin',
          });
          return `sent (${res.type})`;
        }),
        image: await new Promise((resolve) => {
          const img = new Image();
          img.onload = () => resolve('loaded');
          img.onerror = () => resolve('error');
          img.src = `${target}send?m=${encodeURIComponent('from an img tag')}`;
        }),
        clients: await attempt(async () => (await fetch(`${target}api/clients`)).text()),
        kick: await attempt(async () => (await fetch(`${target}api/clients/${clientId}`, { method: 'DELETE' })).status),
      };
    },
    { target: server.url, clientId },
  );

  assert.equal(outcome.publish, 'sent (opaque)', 'the browser did send the simple POST');
  assert.equal(outcome.image, 'error', 'the <img> request was refused');
  assert.match(String(outcome.clients), /^blocked/, `reading /api/clients is blocked: ${outcome.clients}`);
  assert.match(String(outcome.kick), /^blocked/, `DELETE needs a preflight, which grants nothing: ${outcome.kick}`);

  const after = await getJson(server.url, 'api/stats');
  assert.equal(after.eventsPublished, before.eventsPublished, 'nothing was published');
  const clients = await getJson(server.url, 'api/clients');
  assert.ok(clients.some((c) => String(c.id) === String(clientId)), 'the demo page was not kicked');
  await waitForState(demo, 'open');

  // The same requests from the server's own page (same origin) are the operator's and work.
  const status = await demo.evaluate(async () => {
    const res = await fetch('publish', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'from the demo page',
    });
    return res.status;
  });
  assert.equal(status, 202);
  assert.equal((await getJson(server.url, 'api/stats')).eventsPublished, before.eventsPublished + 1);
});

test('the demo page is served with its security headers', async () => {
  const res = await fetch(server.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('access-control-allow-origin'), null, 'the page itself is not shared');
});
