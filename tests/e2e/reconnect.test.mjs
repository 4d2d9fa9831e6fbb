// Reconnection as a browser lives it: the server drops the client, the server dies and comes
// back on the same port, the server refuses the stream. EventSource does the reconnecting
// (Last-Event-ID replay); the page must show what is happening.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  startServerOn,
  launchBrowser,
  testId,
  waitForState,
  waitForCard,
  readCards,
  pageClientId,
  waitFor,
  TIMEOUT_MS,
} from './lib/harness.mjs';

let server;
let browser;
let page;
const extraServers = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.open(server.url);
  await waitForState(page, 'open');
});

after(async () => {
  await browser?.close();
  for (const s of [server, ...extraServers]) await s?.stop();
});

const text = (id) => page.textContent(testId(id));

/** A server on the port the previous one just left; stopped with the others. */
async function restartOn(port, args = []) {
  const s = await startServerOn(port, args);
  extraServers.push(s);
  return s;
}

test('a page dropped by the server reconnects by itself and gets what it missed', async () => {
  const seen = await server.publish({ data: 'seen live' });
  await waitForCard(page, seen.id);
  const clientId = await pageClientId(page);

  const res = await server.disconnect(clientId);
  assert.equal(String(res.disconnected), clientId);
  await waitForState(page, 'reconnecting');

  // The page is away (the server's retry is 2 s): these can only come back through the replay.
  const missed1 = await server.publish({ data: 'missed 1' });
  const missed2 = await server.publish({ event: 'alert', data: 'missed 2\nline 2' });
  assert.equal(missed1.delivered, 0, 'no subscriber while the page is away');

  await waitForCard(page, missed2.id);
  await waitForState(page, 'open');
  const cards = await readCards(page);
  assert.deepEqual(
    cards.slice(0, 3).map((c) => [c.id, c.type, c.data]),
    [
      [missed2.id, 'alert', 'missed 2\nline 2'],
      [missed1.id, 'message', 'missed 1'],
      [seen.id, 'message', 'seen live'],
    ],
    'the missed events, in order, and nothing twice',
  );
  assert.equal(cards.filter((c) => c.id === seen.id).length, 1, 'no duplicate of the event seen live');
  assert.equal(await text('reconnects'), '1');
  assert.equal(await text('last-id'), missed2.id);
  assert.equal(await page.isVisible(testId('gap-banner')), false, 'a complete replay is no gap');
  assert.notEqual(await pageClientId(page), clientId, 'reconnected as a new client');
});

test('the state shows the server going away and coming back on the same port', async () => {
  const beforeRestart = await server.publish({ data: 'before the restart' });
  await waitForCard(page, beforeRestart.id);
  const reconnects = Number(await text('reconnects'));

  await server.stop('SIGKILL'); // as in a crash: no goodbye
  await waitForState(page, 'reconnecting');
  assert.equal(await page.isVisible(testId('closed-note')), false, 'the browser keeps trying by itself');

  server = await restartOn(server.port);
  await waitForState(page, 'open', TIMEOUT_MS + 5000);
  assert.equal(Number(await text('reconnects')), reconnects + 1);

  // The new server never saw the page's last id: the page must say events may be lost.
  await page.waitForSelector(testId('gap-banner'), { state: 'visible', timeout: TIMEOUT_MS });
  assert.equal(await page.getAttribute(testId('gap-banner'), 'data-reason'), 'unknown');
  assert.match(await text('gap-text'), new RegExp(`"${beforeRestart.id}"`));
  await page.waitForSelector(testId('gap-marker'), { state: 'attached', timeout: TIMEOUT_MS });

  // Explicit ids from here on: a restarted server counts from 1 again, like the first one did.
  const afterRestart = await server.publish({ data: 'after the restart', id: 'after-restart' });
  assert.equal((await waitForCard(page, afterRestart.id)).data, 'after the restart');
  await page.click(testId('gap-dismiss'));
  assert.equal(await page.isVisible(testId('gap-banner')), false);
});

test('a refused stream shows "closed" and a reconnect button that resumes', async () => {
  const last = await server.publish({ data: 'last before refusal', id: 'before-refusal' });
  await waitForCard(page, last.id);
  const port = server.port;

  // A server that wants a subscriber token answers the page's reconnect with 401: a non-200
  // status makes EventSource give up for good.
  await server.stop('SIGKILL');
  server = await restartOn(port, ['--subscriber-token', 'e2e-secret']);
  await waitForState(page, 'closed', TIMEOUT_MS + 5000);
  assert.equal(await page.isVisible(testId('reconnect-button')), true);
  const reconnects = Number(await text('reconnects'));

  // Back to an open server; only the button brings the page back.
  await server.stop();
  server = await restartOn(port);
  const missed = await server.publish({ data: 'published before the button', id: 'before-button' });
  await page.click(testId('reconnect-button'));
  await waitForState(page, 'open');
  assert.equal(await page.isVisible(testId('closed-note')), false);
  assert.equal(Number(await text('reconnects')), reconnects + 1);
  // The page resumed from its last id (?lastEventId=), which this new server does not know:
  // it reports the gap and sends its whole history, so the missed event shows up.
  assert.equal((await waitForCard(page, missed.id)).data, 'published before the button');
  await page.waitForSelector(testId('gap-banner'), { state: 'visible', timeout: TIMEOUT_MS });
  await waitFor(async () => {
    const me = (await server.clients())[0];
    return me && me.userAgent.includes('Chrom');
  }, { what: 'the page to be listed by the new server' });
});

test('the page had no uncaught errors', () => {
  // Console errors are expected here (refused connections, 401), exceptions are not.
  assert.deepEqual(page.problems.filter((p) => p.startsWith('uncaught')), []);
});
