// A cluster as deployed: a real redis-server, three headless instances sharing it (--redis),
// and nginx in front with deploy/nginx-cluster.conf itself (only its ports replaced). Clients
// connect to the front only. When the instance a client is on dies (SIGKILL, no goodbye),
// its EventSource reconnects through nginx to a survivor, which replays from Last-Event-ID
// every event published meanwhile: each exactly once, in order, with the cluster's integer ids.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer,
  launchBrowser,
  openStream,
  helloOf,
  publish,
  getJson,
  waitFor,
  waitForState,
  waitForCard,
  readCards,
  pageClientId,
  testId,
  TIMEOUT_MS,
} from './lib/harness.mjs';
import { startRedis, startNginx } from './lib/otherservers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATE = path.resolve(here, '../../deploy/nginx-cluster.conf');

let redis;
let front;
let browser;
const instances = [];
const published = []; // every event published in this file, in publish order: {id, data}

/**
 * deploy/nginx-cluster.conf with the upstream's `server` lines and the `listen` line replaced,
 * exactly as scripts/cluster.sh does it; all the rest (headers, buffering, timeouts,
 * proxy_next_upstream) is the shipped configuration.
 */
function clusterSite(template, frontPort, ports) {
  const out = [];
  let inUpstream = false;
  let upstreams = 0;
  let listens = 0;
  for (const line of template.split('\n')) {
    if (/^\s*upstream\s/.test(line)) {
      inUpstream = true;
      upstreams += 1;
      out.push(line, ...ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`));
      continue;
    }
    if (inUpstream && /^\s*}/.test(line)) inUpstream = false;
    if (inUpstream && /^\s*server\s/.test(line)) continue;
    if (/^\s*listen\s/.test(line)) {
      listens += 1;
      out.push(`    listen 127.0.0.1:${frontPort};`);
      continue;
    }
    out.push(line);
  }
  assert.equal(upstreams, 1, `${TEMPLATE}: expected one upstream block`);
  assert.equal(listens, 1, `${TEMPLATE}: expected one listen line`);
  return out.join('\n');
}

before(async () => {
  redis = await startRedis();
  const prefix = `e2e-cluster-${process.pid}-${Date.now()}`;
  for (let i = 0; i < 3; i += 1) {
    instances.push(await startServer({ args: ['--redis', redis.url(prefix)] }));
  }
  const template = await fs.readFile(TEMPLATE, 'utf8');
  front = await startNginx({ http: (port) => clusterSite(template, port, instances.map((s) => s.port)) });
  // Every instance sees the others in Redis before any client arrives.
  await waitFor(
    async () => {
      for (const s of instances) {
        if ((await getJson(s.url, 'api/cluster')).instances.length !== instances.length) return false;
      }
      return true;
    },
    { what: 'every instance listing all three in /api/cluster' },
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await front?.stop();
  for (const s of instances) await s.stop();
  await redis?.stop();
});

const alive = () => instances.filter((s) => s.child.exitCode === null && s.child.signalCode === null);

/** Publishes on `target` (an instance or the front) and records the event. */
async function publishOn(target, data) {
  const res = await publish(target.url, { data });
  published.push({ id: res.id, data });
  return res;
}

/**
 * The one live instance that has a subscriber with client id `clientId` whose user agent
 * matches `agent` (client ids are per instance: two instances may both have a client 1).
 */
async function instanceOf(clientId, agent, what) {
  return waitFor(
    async () => {
      const found = [];
      for (const s of alive()) {
        const clients = await s.clients();
        const match = (c) => String(c.id) === String(clientId) && agent.test(c.userAgent ?? '');
        if (clients.some(match)) found.push(s);
      }
      return found.length === 1 ? found[0] : null;
    },
    { what: `the instance serving ${what}` },
  );
}

/** Subscribers with a user agent matching `agent`, summed over the live instances. */
async function subscribersMatching(agent) {
  let n = 0;
  for (const s of alive()) n += (await s.clients()).filter((c) => agent.test(c.userAgent ?? '')).length;
  return n;
}

/** Asserts ids are cluster-assigned integers, each one more than the one before. */
function assertConsecutiveIntegers(ids, what) {
  for (const id of ids) assert.match(id, /^[1-9][0-9]*$/, `${what}: id ${JSON.stringify(id)} is an integer`);
  for (let i = 1; i < ids.length; i += 1) {
    const between = `${ids[i - 1]} and ${ids[i]}`;
    assert.equal(Number(ids[i]), Number(ids[i - 1]) + 1, `${what}: no gap and no repeat between ${between}`);
  }
}

const CHROME = /Chrome/;
const NODE = /^node$/;

test('the front serves the demo page; a killed instance is replaced by a survivor, missing nothing', async () => {
  const page = await browser.open(front.url);
  await waitForState(page, 'open');
  const first = await instanceOf(await pageClientId(page), CHROME, 'the page');
  const others = alive().filter((s) => s !== first);

  // Live: an event published on another instance, one on the front (whichever instance
  // nginx picks), both reach the page through its own instance.
  const live = [
    await publishOn(others[0], 'live on another instance'),
    await publishOn(front, 'live through the front'),
  ];
  for (const e of live) await waitForCard(page, e.id);

  await first.stop('SIGKILL'); // a crash: the page's stream just ends
  await waitForState(page, 'reconnecting');
  // The page's EventSource waits its retry (2 s, from the server) before reconnecting: these
  // are published while it is away, on both survivors and through the front.
  const missed = [];
  missed.push(await publishOn(others[0], 'missed 1'));
  missed.push(await publishOn(others[1], 'missed 2'));
  missed.push(await publishOn(front, 'missed 3'));
  missed.push(await publishOn(others[1], 'missed 4'));
  missed.push(await publishOn(others[0], 'missed 5'));
  assert.equal(await subscribersMatching(CHROME), 0, 'the page was away while the missed events were published');

  await waitForCard(page, missed.at(-1).id, TIMEOUT_MS + 5000);
  await waitForState(page, 'open');
  const second = await instanceOf(await pageClientId(page), CHROME, 'the reconnected page');
  assert.ok(others.includes(second), 'the page is on a surviving instance now');

  // And live again, through the new instance.
  const after = await publishOn(others.find((s) => s !== second), 'live after the reconnect');
  await waitForCard(page, after.id);

  const cards = (await readCards(page)).reverse(); // oldest first
  assert.deepEqual(
    cards.map((c) => [c.id, c.data]),
    published.map((e) => [e.id, e.data]),
    'every event once, in publish order: the live ones, the missed ones (replayed), the new one',
  );
  assertConsecutiveIntegers(cards.map((c) => c.id), 'the page');
  assert.equal(await page.textContent(testId('reconnects')), '1');
  assert.equal(await page.textContent(testId('last-id')), after.id);
  assert.equal(await page.isVisible(testId('gap-banner')), false, 'the survivor had the whole history: no gap');
  assert.deepEqual(page.problems.filter((p) => p.startsWith('uncaught')), []);
  await page.close();
});

test('the eventsource client fails over through the front as well', async () => {
  assert.equal(alive().length, 2, 'two instances left from the first test');
  const es = openStream(new URL('events?control=1', front.url).href);
  try {
    const { clientId } = await helloOf(es);
    const victim = await instanceOf(clientId, NODE, 'the eventsource client');
    const survivor = alive().find((s) => s !== victim);
    const start = published.length;

    const live = await publishOn(front, 'es live');
    await es.waitForEvent((e) => e.id === live.id, `event ${live.id}`);

    const errorsBefore = es.states.filter((s) => s === 'error').length;
    await victim.stop('SIGKILL');
    await waitFor(() => es.states.filter((s) => s === 'error').length > errorsBefore, {
      what: 'the eventsource client to notice its instance died',
    });
    const missed = [];
    for (let i = 1; i <= 5; i += 1) missed.push(await publishOn(i % 2 ? survivor : front, `es missed ${i}`));
    assert.equal(await subscribersMatching(NODE), 0, 'the client was away while the missed events were published');

    await es.waitForEvent((e) => e.id === missed.at(-1).id, `event ${missed.at(-1).id}`, TIMEOUT_MS + 5000);
    const got = es.dataEvents();
    assert.deepEqual(
      got.map((e) => [e.id, e.data]),
      published.slice(start).map((e) => [e.id, e.data]),
      'every event once, in order',
    );
    assertConsecutiveIntegers(got.map((e) => e.id), 'the eventsource client');
    assert.equal(es.recorded.some((e) => e.type === 'dashboard.history-gap'), false, 'no history gap');
    const hellos = es.recorded.filter((e) => e.type === 'dashboard.hello').map((e) => JSON.parse(e.data));
    assert.equal(hellos.length, 2, 'one reconnect');
    assert.equal(await instanceOf(hellos[1].clientId, NODE, 'the reconnected client'), survivor);
  } finally {
    es.close();
  }
});
