#!/usr/bin/env bash
# Smoke test of the load generator against a fresh headless sse-dashboard (ctest:
# bench_loadgen_smoke): 20 subscribers x 20 events, passes when nothing is lost, duplicated or
# reordered (the load generator's exit status says so).
# Usage: smoke.sh PATH/TO/sse-dashboard PATH/TO/sse-loadgen
set -euo pipefail

server_bin=${1:?usage: smoke.sh SSE_DASHBOARD SSE_LOADGEN}
loadgen_bin=${2:?usage: smoke.sh SSE_DASHBOARD SSE_LOADGEN}

work=$(mktemp -d "${TMPDIR:-/tmp}/sse-smoke.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# stdbuf: the URL line must reach the file even if the server's stdout is block-buffered.
QT_QPA_PLATFORM=offscreen QT_NO_GLIB=1 stdbuf -oL \
    "$server_bin" --headless --port 0 >"$work/stdout" 2>"$work/stderr" &
server_pid=$!

url=""
for _ in $(seq 100); do
    url=$(head -n 1 "$work/stdout" 2>/dev/null || true)
    [[ $url == http://* ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "smoke: sse-dashboard exited early" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ $url != http://* ]]; then
    echo "smoke: no URL on sse-dashboard's first stdout line within 10 s" >&2
    cat "$work/stderr" >&2
    exit 1
fi

set +e
timeout 50 "$loadgen_bin" --url "$url" --subscribers 20 --events 20 --settle-ms 200 \
    --drain-ms 3000 --timeout 40 --server-pid "$server_pid" --label sse-dashboard
status=$?
set -e
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "smoke: sse-dashboard died during the run" >&2
    cat "$work/stderr" >&2
    exit 1
fi
exit "$status"
