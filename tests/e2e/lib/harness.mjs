// Shared helpers of the end-to-end tests: start the real server binary, drive Debian's
// chromium through playwright-core, and read streams with an independent EventSource client.
// No mocks: every test talks to a real `sse-dashboard --headless` over loopback.

import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import https from 'node:https';
import { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { EventSource } from 'eventsource';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The server under test: ctest passes it; a developer's default build is the fallback. */
export const SERVER_BIN =
  process.env.SSE_DASHBOARD_BIN || path.resolve(here, '../../../build/app/sse-dashboard');
const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Default wait of the polling helpers: generous for a loaded 2-core CI machine. */
export const TIMEOUT_MS = 15_000;

// Every server started here, so that none outlives the test process, even on a crash.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** $SSE_E2E_TLS: the tests that can (malformed) run against a server with --tls-local. */
export const OVER_TLS = Boolean(process.env.SSE_E2E_TLS);

/**
 * A fetch that trusts `ca` (PEM) alone, for https servers of the local CA: Node's own fetch
 * takes extra roots only at process start (NODE_EXTRA_CA_CERTS).
 */
export function fetchTrusting(ca) {
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      const request = https.request(
        String(input),
        { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers ?? {})), ca, signal: init.signal },
        (response) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) headers.set(name, [].concat(value).join(', '));
          const body = [204, 304].includes(response.statusCode) ? null : Readable.toWeb(response);
          resolve(new Response(body, { status: response.statusCode, headers }));
        },
      );
      request.on('error', reject);
      if (init.body !== undefined) request.write(init.body);
      request.end();
    });
}

/**
 * Starts `sse-dashboard --headless --port PORT --heartbeat 1 ...` and resolves once its first
 * stdout line (the URL, per docs/protocol.md) is read. Port 0 lets the system pick a free one.
 * tls: with --tls-local and a data folder of its own (XDG_DATA_HOME); the result then has the
 * local CA (`ca`, PEM; `caFile`) and a `fetch` that trusts it.
 */
export async function startServer({ port = 0, args = [], tls = false, dataHome } = {}) {
  if (!existsSync(SERVER_BIN)) {
    throw new Error(`server binary not found: ${SERVER_BIN} (build the sse-dashboard target or set SSE_DASHBOARD_BIN)`);
  }
  const env = { ...process.env, QT_QPA_PLATFORM: 'offscreen' };
  if (tls) {
    env.XDG_DATA_HOME = dataHome ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'sse-e2e-data-')));
    args = ['--tls-local', ...args];
  }
  const child = spawn(SERVER_BIN, ['--headless', '--port', String(port), '--heartbeat', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  running.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return { code, signal };
  });

  // Keep the tail of the output for error messages, and keep draining both pipes so a chatty
  // server never blocks on a full pipe.
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-8000);
  };
  child.stderr.setEncoding('utf8').on('data', keep);
  const lines = readline.createInterface({ input: child.stdout });
  const firstLine = new Promise((resolve) => lines.once('line', resolve));
  lines.on('line', (l) => keep(`${l}\n`));

  const failure = (why) => new Error(`sse-dashboard ${why}\n--- output ---\n${log}`);
  const first = await Promise.race([
    firstLine,
    exited.then((e) => Promise.reject(failure(`exited (${e.code ?? e.signal}) before printing its URL`))),
    // ref: false, so this timer never keeps the test process alive on its own.
    delay(TIMEOUT_MS, null, { ref: false }).then(() => Promise.reject(failure(`printed no URL within ${TIMEOUT_MS} ms`))),
  ]).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });
  const match = /^https?:\/\/([^/]+):(\d+)\/$/.exec(first.trim());
  if (!match) {
    child.kill('SIGKILL');
    throw failure(`printed ${JSON.stringify(first)} as its first line, expected the URL alone (http://ADDR:PORT/)`);
  }

  const url = first.trim();
  const caFile = tls ? path.join(env.XDG_DATA_HOME, 'SSE Dashboard', 'sse-dashboard', 'local-ca', 'root-ca.pem') : undefined;
  const ca = tls ? await fs.readFile(caFile, 'utf8') : undefined;
  const serverFetch = tls ? fetchTrusting(ca) : fetch;
  return {
    url,
    port: Number(match[2]),
    ca,
    caFile,
    dataHome: env.XDG_DATA_HOME,
    fetch: serverFetch,
    child,
    exited,
    output: () => log,
    /** Stops the server (SIGTERM, then SIGKILL if it lingers) and waits for it to exit. */
    stop: (signal = 'SIGTERM') => stopChild(child, exited, signal),
    publish: (body) => publish(url, body, serverFetch),
    clients: () => getJson(url, 'api/clients', serverFetch),
    async disconnect(id) {
      const res = await serverFetch(new URL(`api/clients/${id}`, url), { method: 'DELETE' });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`DELETE /api/clients/${id}: ${res.status} ${text}`);
      return JSON.parse(text);
    },
  };
}

/**
 * startServer on a fixed port another server has just left: binding it can briefly fail while
 * the old listener is torn down, so this tries again for a few seconds.
 */
export async function startServerOn(port, args = [], options = {}) {
  let lastError;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      return await startServer({ port, args, ...options });
    } catch (err) {
      lastError = err;
      await delay(200);
    }
  }
  throw lastError;
}

/**
 * Sends `signal`, then SIGKILL if the process lingers 5 s, and waits for it to exit. Also for
 * the helper servers of otherservers.mjs.
 */
export async function stopChild(child, exited, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** POST /publish with a JSON body; returns `{id, delivered}` and insists on 202. */
export async function publish(baseUrl, body, fetchWith = fetch) {
  const res = await fetchWith(new URL('publish', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 202) {
    throw new Error(`POST /publish ${JSON.stringify(body).slice(0, 200)}: expected 202, got ${res.status} ${text}`);
  }
  return JSON.parse(text);
}

export async function getJson(baseUrl, route, fetchWith = fetch) {
  const res = await fetchWith(new URL(route, baseUrl));
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /${route}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/**
 * Polls `check` until it returns something truthy (or stops throwing) and returns that value.
 * This is how tests wait: on conditions, never on fixed sleeps.
 */
export async function waitFor(check, { timeout = TIMEOUT_MS, interval = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${why}`);
    }
    await delay(interval);
  }
}

// --- browser --------------------------------------------------------------------------------

/**
 * Launches Debian's chromium headless with a fresh profile; `close()` removes the profile.
 * trustCaFile: a root (PEM) chromium trusts, put with certutil into the NSS database of a
 * HOME of its own, as docs/tls.md tells users to do.
 */
export async function launchBrowser({ trustCaFile } = {}) {
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sse-e2e-chromium-'));
  const env = { ...process.env };
  if (trustCaFile) {
    env.HOME = userDataDir;
    const nssdb = `sql:${path.join(userDataDir, '.pki', 'nssdb')}`;
    await fs.mkdir(path.join(userDataDir, '.pki', 'nssdb'), { recursive: true });
    execFileSync('certutil', ['-d', nssdb, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', nssdb, '-A', '-t', 'C,,', '-n', 'SSE Dashboard e2e', '-i', trustCaFile]);
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    env,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    /** Opens `url` in a new tab and records uncaught exceptions and console errors. */
    async open(url) {
      const page = await context.newPage();
      page.problems = [];
      page.on('pageerror', (err) => page.problems.push(`uncaught: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`);
      });
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      await fs.rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Text of the page's status element with that data-testid. */
export function testId(id) {
  return `[data-testid="${id}"]`;
}

/** Waits until the page's connection state (data-state of the indicator) is `state`. */
export async function waitForState(page, state, timeout = TIMEOUT_MS) {
  await page.waitForFunction(
    (s) => document.querySelector('[data-testid="state"]')?.dataset.state === s,
    state,
    { timeout, polling: 20 },
  );
}

/** The page's cards as plain objects, newest first. */
export function readCards(page) {
  return page.$$eval('[data-testid="event-card"]', (cards) =>
    cards.map((c) => ({
      type: c.querySelector('[data-testid="event-type"]').textContent,
      id: c.dataset.id,
      data: c.querySelector('[data-testid="event-data"]').textContent,
      format: c.querySelector('[data-testid="event-data"]').dataset.format,
      time: c.querySelector('[data-testid="event-time"]').getAttribute('datetime'),
    })),
  );
}

/** Waits until the page shows a card with event id `id` and returns it. */
export async function waitForCard(page, id, timeout = TIMEOUT_MS) {
  await page.waitForSelector(`[data-testid="event-card"][data-id="${cssString(id)}"]`, {
    state: 'attached',
    timeout,
  });
  return (await readCards(page)).find((c) => c.id === id);
}

function cssString(s) {
  return String(s).replace(/["\\]/g, '\\$&');
}

/** The clientId the page was given in `dashboard.hello` (waits until it has one). */
export async function pageClientId(page) {
  const handle = await page.waitForFunction(
    () => {
      const t = document.querySelector('[data-testid="client-id"]')?.textContent;
      return t && t !== '—' ? t : null;
    },
    null,
    { timeout: TIMEOUT_MS, polling: 20 },
  );
  return handle.jsonValue();
}

/**
 * Reads the raw bytes of a stream (as UTF-8 text) until `until(text)` holds, then hangs up.
 * For wire-level checks a parsing client hides: comments, `retry:`, the exact field lines.
 */
export async function readRaw(url, { headers = {}, until, timeout = TIMEOUT_MS, what = 'stream text' }) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const expired = delay(timeout, null, { ref: false }); // one timer for the whole read
  try {
    while (!until(text)) {
      const chunk = await Promise.race([reader.read(), expired]);
      if (chunk === null) throw new Error(`timed out after ${timeout} ms waiting for ${what}; got ${JSON.stringify(text.slice(0, 2000))}`);
      if (chunk.done) throw new Error(`stream ended before ${what}; got ${JSON.stringify(text.slice(0, 2000))}`);
      text += decoder.decode(chunk.value, { stream: true });
    }
    return { status: res.status, headers: res.headers, text };
  } finally {
    abort.abort();
  }
}

// --- independent client (the `eventsource` npm package) -----------------------------------

/**
 * An EventSource that records every event it dispatches, whatever its type, in order, so
 * protocol tests see exactly what a conforming client parsed (control events included).
 */
class RecordingEventSource extends EventSource {
  dispatchEvent(event) {
    if (this.recorded && 'data' in event) {
      this.recorded.push({ type: event.type, data: event.data, id: event.lastEventId });
    } else if (this.recorded && (event.type === 'open' || event.type === 'error')) {
      this.states.push(event.type);
    }
    return super.dispatchEvent(event);
  }
}

/**
 * Opens a stream with the `eventsource` package. `lastEventId` is sent as the Last-Event-ID
 * header on the first request only; later reconnects send the package's own value.
 */
export function openStream(url, { lastEventId, fetchWith = fetch } = {}) {
  let first = true;
  const es = new RecordingEventSource(url, {
    fetch: (input, init) => {
      const headers = { ...init.headers };
      if (first && lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
      first = false;
      return fetchWith(input, { ...init, headers });
    },
  });
  es.recorded = [];
  es.states = [];
  /** Recorded data events (control events left out). */
  es.dataEvents = () => es.recorded.filter((e) => !e.type.startsWith('dashboard.'));
  /** Waits for the n-th (1-based) event matching `pred`; returns it. */
  es.waitForEvent = (pred, what = 'event', timeout = TIMEOUT_MS) =>
    waitFor(() => es.recorded.find(pred), { timeout, what });
  return es;
}

/** Parsed data of the client's `dashboard.hello` (waits for it). */
export async function helloOf(es) {
  const hello = await es.waitForEvent((e) => e.type === 'dashboard.hello', 'dashboard.hello');
  return JSON.parse(hello.data);
}
