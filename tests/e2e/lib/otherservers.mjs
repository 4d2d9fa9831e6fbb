// The other real servers the cluster tests run next to sse-dashboard: a throw-away
// redis-server and nginx in front, each on a free loopback port, stopped with the test process.
// (harness.mjs starts sse-dashboard itself.)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TIMEOUT_MS, stopChild } from './harness.mjs';

const REDIS_BIN = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';
const NGINX_BIN = process.env.NGINX_BIN || '/usr/sbin/nginx';

/**
 * A free loopback TCP port, picked by the system (bind port 0, read it back, let it go). For
 * programs that cannot be told `--port 0`; callers retry if another process takes it first.
 */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves true once something accepts TCP connections on 127.0.0.1:port, else false. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends one inline Redis command and resolves with the first line of the answer. */
function redisCommand(port, command) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(2000, () => socket.destroy(new Error('redis did not answer within 2 s')));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      answer += chunk;
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      }
    });
    socket.once('error', reject);
  });
}

// Children that are not sse-dashboard. nginx's master gets SIGTERM, not SIGKILL, so that it
// takes its worker with it.
const others = new Map(); // child -> signal on exit
process.on('exit', () => {
  for (const [child, signal] of others) child.kill(signal);
});

/** Spawns a helper server, keeps the tail of its output, tracks it until it exits. */
function spawnOther(bin, args, { exitSignal = 'SIGKILL', cwd } = {}) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  others.set(child, exitSignal);
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-8000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = once(child, 'exit').then(([code, signal]) => {
    others.delete(child);
    return { code, signal };
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    exited,
    output: () => log,
    isRunning,
    /** `signal`, SIGKILL if the process lingers 5 s, and waits for it to exit. */
    stop: (signal = 'SIGTERM') => stopChild(child, exited, signal),
  };
}

/**
 * Waits until `ready()` holds while `proc` runs; resolves false if `proc` exited first (the
 * caller may retry on another port), throws on timeout.
 */
async function waitWhileRunning(proc, ready, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    if (!proc.isRunning()) return false;
    if (await ready().catch(() => false)) return true;
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`${what} not ready within ${TIMEOUT_MS} ms\n--- output ---\n${proc.output()}`);
    }
    await delay(20);
  }
}

/**
 * Starts a throw-away redis-server on a free loopback port, without persistence
 * (`--save '' --appendonly no`), and resolves once it answers PING. `url(prefix)` gives the
 * `--redis` URL for sse-dashboard; `stop()` ends it.
 */
export async function startRedis({ bin = REDIS_BIN } = {}) {
  if (!existsSync(bin)) throw new Error(`redis-server not found: ${bin} (apt-get install redis-server, or set REDIS_SERVER_BIN)`);
  let lastOutput = '';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const proc = spawnOther(
      bin,
      ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', os.tmpdir()],
      {},
    );
    const up = await waitWhileRunning(
      proc,
      async () => (await redisCommand(port, 'PING')) === '+PONG',
      `redis-server on port ${port}`,
    );
    if (up) {
      return {
        port,
        url: (prefix) => `redis://127.0.0.1:${port}/0${prefix ? `?prefix=${prefix}` : ''}`,
        output: proc.output,
        exited: proc.exited,
        stop: proc.stop,
        /** One inline command (e.g. `XLEN {p}:events`); resolves with the answer's first line. */
        command: (line) => redisCommand(port, line),
      };
    }
    lastOutput = proc.output(); // most likely the port was taken meanwhile: try another
  }
  throw new Error(`redis-server did not start\n--- output ---\n${lastOutput}`);
}

/**
 * Starts nginx as a non-daemon child (`-g 'daemon off;'`) on a free loopback port, with its own
 * prefix, pid file, logs and temp paths in a new temporary directory. `http(port)` returns the
 * text that goes inside `http { }`: the server block(s), listening on 127.0.0.1:port. Resolves
 * once the port accepts connections; `stop()` ends nginx (SIGTERM: master and worker) and
 * removes the directory, `errorLog()` reads nginx's error log.
 */
export async function startNginx({ http, bin = NGINX_BIN }) {
  if (!existsSync(bin)) throw new Error(`nginx not found: ${bin} (apt-get install nginx-light, or set NGINX_BIN)`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sse-e2e-nginx-'));
  // Run as root, nginx's worker is `nobody`: it must be able to reach the temp paths.
  if (process.getuid?.() === 0) await fs.chmod(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  const errorLog = path.join(dir, 'error.log');
  const readErrorLog = () => fs.readFile(errorLog, 'utf8').catch(() => '');
  let lastLog = '';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    await fs.writeFile(
      conf,
      [
        '# Generated by tests/e2e/lib/otherservers.mjs (startNginx).',
        'worker_processes 1;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${errorLog} info;`,
        'events { worker_connections 1024; }',
        'http {',
        `    access_log ${dir}/access.log;`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir}/${t};`),
        http(port),
        '}',
        '',
      ].join('\n'),
    );
    const proc = spawnOther(bin, ['-p', `${dir}/`, '-e', errorLog, '-c', conf, '-g', 'daemon off;'], {
      exitSignal: 'SIGTERM',
      cwd: dir,
    });
    const up = await waitWhileRunning(proc, () => accepts(port), `nginx on port ${port}`);
    if (up) {
      return {
        port,
        url: `http://127.0.0.1:${port}/`,
        dir,
        exited: proc.exited,
        errorLog: readErrorLog,
        async stop() {
          const result = await proc.stop('SIGTERM');
          await fs.rm(dir, { recursive: true, force: true });
          return result;
        },
      };
    }
    lastLog = `${proc.output()}${await readErrorLog()}`;
    if (!/Address already in use/.test(lastLog)) break; // a configuration error: no retry helps
  }
  await fs.rm(dir, { recursive: true, force: true });
  throw new Error(`nginx did not start\n--- output and error log ---\n${lastLog}`);
}
