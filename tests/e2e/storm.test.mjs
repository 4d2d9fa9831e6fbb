// A reconnect storm as clients live it (issue 26): 2,000 `eventsource` clients lose their
// server to a kill -9. It comes back on the same port with its history file, and every client
// reconnects by itself with its Last-Event-ID and gets exactly what it missed, once, in order,
// although 2,000 requests arrive within moments and the HTTP connection cap is 1,024.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer,
  startServerOn,
  openStream,
  getJson,
  waitFor,
  launchBrowser,
  waitForState,
  waitForCard,
  readCards,
  testId,
  TIMEOUT_MS,
} from './lib/harness.mjs';

const CLIENTS = 2000;
const STORM_TIMEOUT_MS = 60_000;

const dir = mkdtempSync(path.join(os.tmpdir(), 'sse-storm-'));
const servers = [];
const clients = [];

let browser;

after(async () => {
  await browser?.close();
  for (const es of clients) es.close();
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A server on `port` (0: any) with a history file; stopped with the others. */
async function start(port, history) {
  const s = await startServerOn(port, ['--history-file', history]);
  servers.push(s);
  return s;
}

const stats = (server) => getJson(server.url, 'api/stats');
const idsOf = (es) => es.dataEvents().map((e) => e.id);

test(`${CLIENTS} clients survive a restart by themselves and get what they missed once`, async () => {
  const history = path.join(dir, 'clients.sqlite');
  let server = await start(0, history);
  const url = new URL('events', server.url).href;
  for (let i = 0; i < CLIENTS; i++) clients.push(openStream(url));
  await waitFor(async () => (await stats(server)).clients === CLIENTS, {
    timeout: STORM_TIMEOUT_MS,
    what: `${CLIENTS} streams`,
  });
  for (let n = 1; n <= 3; n++) await server.publish({ data: `before ${n}` });
  await waitFor(() => clients.every((es) => es.dataEvents().length === 3), {
    timeout: STORM_TIMEOUT_MS,
    what: 'every client to get the first three events',
  });

  await server.stop('SIGKILL'); // a crash: no goodbye
  server = await start(server.port, history);
  // Published as the server comes back: a client gets these live or through its replay,
  // whichever it reaches first, and never both.
  for (let n = 4; n <= 6; n++) await server.publish({ data: `after ${n}` });

  await waitFor(() => clients.every((es) => es.dataEvents().length >= 6), {
    timeout: STORM_TIMEOUT_MS,
    what: 'every client to come back and get the missed events',
  });
  const expected = ['1', '2', '3', '4', '5', '6'];
  const wrong = clients.filter((es) => JSON.stringify(idsOf(es)) !== JSON.stringify(expected));
  assert.equal(wrong.length, 0, `first client with other ids: ${JSON.stringify(wrong[0] && idsOf(wrong[0]))}`);
  assert.ok(clients.every((es) => es.readyState === es.OPEN), 'every client is open again');
  const after = await stats(server);
  assert.equal(after.clients, CLIENTS);
  assert.equal(after.slowClientDrops, 0);
  for (const es of clients) es.close();
  await server.stop();
});

test('a Chromium page comes back through a restart with exactly what it missed', async () => {
  const history = path.join(dir, 'page.sqlite');
  let server = await start(0, history);
  browser = await launchBrowser();
  const page = await browser.open(server.url);
  await waitForState(page, 'open');
  const seen = await server.publish({ data: 'seen live' });
  await waitForCard(page, seen.id);

  await server.stop('SIGKILL');
  await waitForState(page, 'reconnecting');
  server = await start(server.port, history);
  const missed = await server.publish({ data: 'missed while away' });
  await waitForCard(page, missed.id, TIMEOUT_MS + 5000);
  await waitForState(page, 'open');
  const cards = await readCards(page);
  assert.deepEqual(
    cards.slice(0, 2).map((c) => [c.id, c.data]),
    [
      [missed.id, 'missed while away'],
      [seen.id, 'seen live'],
    ],
  );
  assert.equal(cards.filter((c) => c.id === seen.id).length, 1, 'nothing twice');
  assert.equal(await page.isVisible(testId('gap-banner')), false, 'the history file knew its id');
});

test('a full server tells streams to retry, and EventSource does, in Chromium and in Node', async () => {
  // One stream at most: every other one is answered 200 with only a retry time, then ended.
  // By the HTML standard any other status would end an EventSource for good.
  const server = await startServer({ args: ['--max-clients', '1'] });
  servers.push(server);
  const holder = openStream(new URL('events', server.url).href);
  clients.push(holder);
  await waitFor(async () => (await stats(server)).clients === 1, { what: 'the one stream' });

  const waiting = openStream(new URL('events', server.url).href);
  clients.push(waiting);
  browser ??= await launchBrowser();
  const page = await browser.open(server.url); // its stream finds the server full too
  await waitFor(async () => (await stats(server)).retryAnswers >= 2, { what: 'two retry answers' });
  assert.notEqual(waiting.readyState, waiting.CLOSED, 'the eventsource client keeps trying');
  assert.equal(await page.isVisible(testId('closed-note')), false, 'Chromium keeps trying');
  assert.equal(waiting.dataEvents().length, 0);

  // A place frees up: one of them takes it by itself, then the other once that one leaves.
  holder.close();
  const pageOpen = async () => (await page.getAttribute(testId('state'), 'data-state')) === 'open';
  await waitFor(async () => waiting.readyState === waiting.OPEN || (await pageOpen()), {
    what: 'a waiting stream to open by itself',
  });
  if (waiting.readyState === waiting.OPEN) {
    waiting.close();
    await waitForState(page, 'open', TIMEOUT_MS + 5000);
  } else {
    await page.close();
    await waitFor(() => waiting.readyState === waiting.OPEN, { what: 'the eventsource client to open' });
  }
});
