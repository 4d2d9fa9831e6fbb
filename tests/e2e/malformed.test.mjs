// Out-of-process fuzzing of the request gate: thousands of malformed requests, each on its own
// connection, against the real headless server. Every one must get a status line, or a close
// that docs/protocol.md documents (a connection that sent only blank lines is idle and closes
// without an answer). /healthz must answer throughout, and the server must not log warnings.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { startServer, OVER_TLS } from './lib/harness.mjs';

const CASES = 2400;
const CONCURRENCY = 64;
const PER_CASE_TIMEOUT_MS = 8000; // the server's idle timeout is 1 s: 408 comes well before

let server;

before(async () => {
  // e2e_malformed_tls: the same cases inside TLS (SSE_E2E_TLS).
  server = await startServer({ args: ['--idle-timeout', '1'], tls: OVER_TLS });
});

after(async () => {
  await server?.stop();
});

// A small deterministic PRNG (mulberry32), so a failure names a case that can be replayed.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const host = () => `Host: 127.0.0.1:${server.port}\r\n`;
const templates = () => [
  `GET /healthz HTTP/1.1\r\n${host()}\r\n`,
  `GET /api/stats HTTP/1.1\r\n${host()}Accept: */*\r\n\r\n`,
  `GET /send?m=hi&channel=fuzz HTTP/1.1\r\n${host()}\r\n`,
  `POST /publish HTTP/1.1\r\n${host()}Content-Type: application/json\r\nContent-Length: 28\r\n\r\n{"data":"x","channel":"fz"}\n`,
  `POST /publish?channel=fz HTTP/1.1\r\n${host()}Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`,
  `DELETE /api/clients/7 HTTP/1.1\r\n${host()}\r\n`,
  `OPTIONS /publish HTTP/1.1\r\n${host()}Origin: http://x.test\r\nAccess-Control-Request-Method: POST\r\n\r\n`,
  `GET /healthz HTTP/1.0\r\n\r\n`,
  `HEAD /healthz HTTP/1.1\r\n${host()}\r\n`,
];
const interestingBytes = ['\r', '\n', '\0', ' ', '\t', ':', ';', ',', '"', '\x7f', '\x80', '\xff', '0', 'z', '-'];
const interestingHeaders = [
  'Transfer-Encoding: xchunked\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Transfer-Encoding: gzip, chunked\r\n',
  'Content-Length: -1\r\n',
  'Content-Length: 99999999999999999999\r\n',
  'Content-Length: 3\r\n',
  'Expect: 100-continue\r\n',
  'Expect: nothing\r\n',
  'Connection: Upgrade\r\nUpgrade: websocket\r\n',
  'Connection: close\r\n',
  'Host: evil.test\r\n',
  ` X-Folded: yes\r\n`,
  `X-Big: ${'b'.repeat(20000)}\r\n`,
  'Bad Name: 1\r\n',
];

function mutate(rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  let bytes = pick(templates());
  const operations = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < operations; ++i) {
    const at = Math.floor(rand() * (bytes.length + 1));
    switch (Math.floor(rand() * 8)) {
      case 0: // replace a byte
        bytes = bytes.slice(0, at) + pick(interestingBytes) + bytes.slice(at + 1);
        break;
      case 1: // insert a byte
        bytes = bytes.slice(0, at) + pick(interestingBytes) + bytes.slice(at);
        break;
      case 2: // delete a run
        bytes = bytes.slice(0, at) + bytes.slice(at + 1 + Math.floor(rand() * 8));
        break;
      case 3: // duplicate a run
        bytes = bytes.slice(0, at) + bytes.slice(at, at + 12) + bytes.slice(at);
        break;
      case 4: { // add a header after the request line
        const line = bytes.indexOf('\r\n');
        bytes = line < 0 ? bytes : bytes.slice(0, line + 2) + pick(interestingHeaders) + bytes.slice(line + 2);
        break;
      }
      case 5: // a long target
        bytes = bytes.replace(' /', ` /${'t'.repeat(rand() < 0.5 ? 9000 : 100)}`);
        break;
      case 6: // truncate
        bytes = bytes.slice(0, at);
        break;
      default: // another method or version
        bytes = bytes.replace(/^[A-Z]+/, pick(['BREW', 'TRACE', 'PROPFIND', 'CONNECT', 'get', 'G\tET']))
          .replace('HTTP/1.1', pick(['HTTP/1.1', 'HTTP/2.0', 'HTTP/1.7', 'HTTP/0.9', 'HTTP/11']));
    }
  }
  return Buffer.from(bytes, 'latin1');
}

/** Sends one case; resolves with its first status, 'closed' or 'timeout'. */
function exchange(bytes) {
  return new Promise((resolve) => {
    const socket = OVER_TLS
      ? tls.connect({ port: server.port, host: '127.0.0.1', ca: server.ca })
      : net.connect(server.port, '127.0.0.1');
    let received = '';
    const finish = (outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('timeout'), PER_CASE_TIMEOUT_MS);
    socket.on(OVER_TLS ? 'secureConnect' : 'connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3}) [^\r\n]*\r\n/.exec(received);
      if (match) finish(Number(match[1]));
      else if (received.length > 64 && !received.startsWith('HTTP/1.1 ')) finish(`garbage: ${JSON.stringify(received.slice(0, 60))}`);
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
  });
}

// On a fresh connection each time: with a 1 s idle timeout, a pooled keep-alive connection
// may close just as it is reused.
function healthz() {
  return exchange(Buffer.from(`GET /healthz HTTP/1.1\r\n${host()}\r\n`));
}

test(`${CASES} malformed requests: each gets a status or a documented close, /healthz stays up`, async () => {
  const rand = random(Number(process.env.SSE_FUZZ_SEED ?? 20261121));
  const cases = Array.from({ length: CASES }, () => mutate(rand));
  const outcomes = new Array(CASES);
  let next = 0;
  let healthChecks = 0;
  const worker = async () => {
    while (next < CASES) {
      const index = next++;
      outcomes[index] = await exchange(cases[index]);
      if (index % 200 === 0) {
        assert.equal(await healthz(), 200, `/healthz after case ${index}`);
        ++healthChecks;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const counts = {};
  const failures = [];
  outcomes.forEach((outcome, index) => {
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (typeof outcome === 'number') return;
    // Documented: a connection that sent nothing but blank lines is idle, and closes silently.
    const onlyBlankLines = /^[\r\n]*$/.test(cases[index].toString('latin1'));
    if (outcome === 'closed' && onlyBlankLines) return;
    failures.push(`case ${index}: ${outcome} for ${JSON.stringify(cases[index].toString('latin1').slice(0, 400))}`);
  });
  console.log(`outcomes of ${CASES} cases: ${JSON.stringify(counts)}; ${healthChecks} health checks`);
  assert.deepEqual(failures.slice(0, 20), []);
  assert.equal(await healthz(), 200);
  assert.equal(server.child.exitCode, null, 'the server is still running');
  assert.doesNotMatch(server.output(), /warning|WebSocket|QIODevice/i);
});
