#!/usr/bin/env python3
"""Reconnect storms against sse-dashboard --headless (issue 26), measured from outside.

  bench/storm/storm.py reconnect --clients 500,1000,2000,5000
      N stream requests with a Last-Event-ID sent as fast as one process can; the time until
      every one has its 200 head and its replay, and how many got anything but a stream.
  bench/storm/storm.py replay --clients 1000 --events 1000 --size 65536 --seconds 20
      N clients come back with Last-Event-ID: 1 against a history of events x size bytes and
      read as fast as they can, while /healthz is probed every 10 ms: its latency (p50, p99,
      max) is what the event loop's stalls cost everyone else.
  bench/storm/storm.py idle --clients 300 --events 56 --size 65536
      N clients shrink SO_RCVBUF to 4 KiB and never read; events x size bytes are published.
      The server's RSS and the kernel's TCP memory (/proc/net/sockstat), before and after.

--server-bin picks the binary (default build/app/sse-dashboard); --server-args adds options.
Prints one JSON line per measurement.
"""
import argparse
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BIN = os.path.join(HERE, '..', '..', 'build', 'app', 'sse-dashboard')


def start_server(binary, extra):
    proc = subprocess.Popen([binary, '--headless', '--port', '0', *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    port = int(url.rstrip('/').rsplit(':', 1)[1])
    # Keep draining stdout so the server never blocks on a full pipe.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, port


def http(port, method, path, body=None, timeout=30):
    request = urllib.request.Request(f'http://127.0.0.1:{port}{path}', method=method, data=body,
                                     headers={'Content-Type': 'application/json'} if body else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def publish(port, count, size):
    payload = 'x' * size
    for n in range(count):
        http(port, 'POST', '/publish', json.dumps({'data': payload + str(n)}).encode())


def stats(port):
    # A server whose connection cap is full answers 503 for a while: ask again.
    for _ in range(100):
        try:
            return json.loads(http(port, 'GET', '/api/stats')[1])
        except urllib.error.HTTPError as error:
            if error.code != 503:
                raise
            time.sleep(0.1)
    raise RuntimeError('/api/stats kept answering 503')


def open_clients(port, count, request, receive_buffer=0):
    clients = []
    for _ in range(count):
        s = socket.socket()
        if receive_buffer:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        s.connect(('127.0.0.1', port))
        s.sendall(request)
        s.setblocking(False)
        clients.append(s)
    return clients


def stream_request(last_event_id=None):
    header = '' if last_event_id is None else f'Last-Event-ID: {last_event_id}\r\n'
    return f'GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n'.encode()


def reconnect(args):
    for count in args.clients:
        proc, port = start_server(args.server_bin, args.server_args)
        try:
            publish(port, 11, 100)  # ids 1..11: a client at id 1 has 10 to get back
            begin = time.monotonic()
            clients = open_clients(port, count, stream_request(1))
            sent = time.monotonic() - begin
            selector = selectors.DefaultSelector()
            received = {}
            for s in clients:
                selector.register(s, selectors.EVENT_READ)
                received[s] = b''
            done, refused, errors = set(), 0, 0
            deadline = begin + 120
            while len(done) < count and time.monotonic() < deadline:
                for key, _ in selector.select(timeout=1):
                    s = key.fileobj
                    try:
                        chunk = s.recv(65536)
                    except (BlockingIOError, ConnectionResetError):
                        chunk = None
                    if chunk is None:
                        continue
                    received[s] += chunk
                    data = received[s]
                    finished = not chunk or data.count(b'\nid: ') >= 10 or b'\nretry: ' in data
                    if finished and s not in done:
                        done.add(s)
                        selector.unregister(s)
                        if not data.startswith(b'HTTP/1.1 200 '):
                            errors += 1
                        elif b'\nretry: ' in data:
                            refused += 1
            elapsed = time.monotonic() - begin
            print(json.dumps({'scenario': 'reconnect', 'clients': count,
                              'requests_sent_ms': round(sent * 1000),
                              'all_back_ms': round(elapsed * 1000), 'complete': len(done),
                              'non_200': errors, 'told_to_retry': refused,
                              'server_clients': stats(port)['clients']}), flush=True)
            for s in clients:
                s.close()
        finally:
            proc.terminate()
            proc.wait()


def probe_healthz(port, stop, latencies):
    while not stop.is_set():
        begin = time.monotonic()
        try:
            http(port, 'GET', '/healthz', timeout=10)
            latencies.append((time.monotonic() - begin) * 1000)
        except OSError:
            latencies.append(10_000.0)
        time.sleep(0.01)


def replay(args):
    proc, port = start_server(args.server_bin, args.server_args)
    try:
        publish(port, args.events, args.size)
        quiet = []
        stop = threading.Event()
        prober = threading.Thread(target=probe_healthz, args=(port, stop, quiet))
        prober.start()
        time.sleep(2)
        stop.set()
        prober.join()
        latencies = []
        stop = threading.Event()
        prober = threading.Thread(target=probe_healthz, args=(port, stop, latencies))
        clients = open_clients(port, args.clients[0], stream_request(1))
        prober.start()
        selector = selectors.DefaultSelector()
        for s in clients:
            selector.register(s, selectors.EVENT_READ)
        total, closed = 0, 0
        buffer = bytearray(1 << 20)
        end = time.monotonic() + args.seconds
        while time.monotonic() < end and closed < len(clients):
            for key, _ in selector.select(timeout=0.5):
                try:
                    got = key.fileobj.recv_into(buffer)
                except (BlockingIOError, ConnectionResetError):
                    got = -1
                if got == 0:
                    closed += 1
                    selector.unregister(key.fileobj)
                elif got > 0:
                    total += got
        stop.set()
        prober.join()
        server = stats(port)
        latencies.sort()
        print(json.dumps({
            'scenario': 'replay', 'clients': len(clients), 'events': args.events,
            'size': args.size, 'seconds': args.seconds,
            'healthz_quiet_p99_ms': round(quiet[int(len(quiet) * 0.99) - 1], 1) if quiet else None,
            'healthz_probes': len(latencies),
            'healthz_p50_ms': round(statistics.median(latencies), 1),
            'healthz_p99_ms': round(latencies[int(len(latencies) * 0.99) - 1], 1),
            'healthz_max_ms': round(latencies[-1], 1),
            'mib_read': round(total / 2**20), 'closed_by_server': closed,
            'slow_drops': server['slowClientDrops'],
            'replays_left': server.get('queues', {}).get('replays')}), flush=True)
        for s in clients:
            s.close()
    finally:
        proc.terminate()
        proc.wait()


def rss_kib(pid):
    with open(f'/proc/{pid}/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


def tcp_kib():
    with open('/proc/net/sockstat') as sockstat:
        for line in sockstat:
            if line.startswith('TCP:'):
                fields = line.split()
                return int(fields[fields.index('mem') + 1]) * os.sysconf('SC_PAGESIZE') // 1024
    return -1


def idle(args):
    proc, port = start_server(args.server_bin, args.server_args)
    try:
        clients = open_clients(port, args.clients[0], stream_request(), 4096)
        while stats(port)['clients'] < len(clients):
            time.sleep(0.1)
        rss_before, tcp_before = rss_kib(proc.pid), tcp_kib()
        publish(port, args.events, args.size)
        time.sleep(2)  # let the kernel and the queues settle
        server = stats(port)
        print(json.dumps({
            'scenario': 'idle', 'clients': len(clients), 'events': args.events,
            'size': args.size,
            'rss_mib_before': round(rss_before / 1024), 'rss_mib_after': round(rss_kib(proc.pid) / 1024),
            'tcp_mib_before': round(tcp_before / 1024), 'tcp_mib_after': round(tcp_kib() / 1024),
            'slow_drops': server['slowClientDrops'], 'clients_left': server['clients'],
            'queued_mib': round(server.get('queues', {}).get('bytes', 0) / 2**20)}), flush=True)
        for s in clients:
            s.close()
    finally:
        proc.terminate()
        proc.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('scenario', choices=['reconnect', 'replay', 'idle'])
    parser.add_argument('--clients', default='1000',
                        type=lambda text: [int(n) for n in text.split(',')])
    parser.add_argument('--events', type=int, default=1000)
    parser.add_argument('--size', type=int, default=65536)
    parser.add_argument('--seconds', type=int, default=20)
    parser.add_argument('--server-bin', default=os.environ.get('SSE_DASHBOARD', DEFAULT_BIN))
    parser.add_argument('--server-args', default='', type=lambda text: text.split())
    args = parser.parse_args()
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    {'reconnect': reconnect, 'replay': replay, 'idle': idle}[args.scenario](args)


if __name__ == '__main__':
    sys.exit(main())
