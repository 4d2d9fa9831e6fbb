#!/usr/bin/env bash
# Smoke test of the load generator against a fresh server (ctest: bench_loadgen_smoke, and
# bench_floor_smoke for the floor of bench/compare.sh): 20 subscribers x 20 events, passes when
# nothing is lost, duplicated or reordered (the load generator's exit status says so).
# Usage: smoke.sh PATH/TO/sse-dashboard PATH/TO/sse-loadgen
#        smoke.sh --floor PATH/TO/sse-floor PATH/TO/sse-loadgen
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

floor=0
if [[ ${1:-} == --floor ]]; then
    floor=1
    shift
fi
server_bin=${1:?usage: smoke.sh [--floor] SERVER SSE_LOADGEN}
loadgen_bin=${2:?usage: smoke.sh [--floor] SERVER SSE_LOADGEN}
name=$(basename "$server_bin")

work=$(mktemp -d "${TMPDIR:-/tmp}/sse-smoke.XXXXXX")
server_pid=""
cleanup() {
    [[ -n $server_pid ]] && stop_processes "$server_pid"
    rm -rf "$work"
}
trap cleanup EXIT

# stdbuf: the URL line must reach the file even if the server's stdout is block-buffered.
loadgen_args=()
if ((floor)); then
    stdbuf -oL "$server_bin" 0 >"$work/stdout" 2>"$work/stderr" &
    loadgen_args=(--sub-path /sub --pub-path /pub --pub-body '{{data}}'
        --pub-content-type text/plain)
else
    QT_QPA_PLATFORM=offscreen QT_NO_GLIB=1 stdbuf -oL \
        "$server_bin" --headless --port 0 >"$work/stdout" 2>"$work/stderr" &
fi
server_pid=$!

url=""
for _ in $(seq 100); do
    url=$(head -n 1 "$work/stdout" 2>/dev/null || true)
    [[ $url == http://* ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "smoke: $name exited early" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ $url != http://* ]]; then
    echo "smoke: no URL on $name's first stdout line within 10 s" >&2
    cat "$work/stderr" >&2
    exit 1
fi

set +e
timeout 50 "$loadgen_bin" --url "$url" "${loadgen_args[@]}" --subscribers 20 --events 20 \
    --settle-ms 200 --drain-ms 3000 --timeout 40 --server-pid "$server_pid" --label "$name"
status=$?
set -e
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "smoke: $name died during the run" >&2
    cat "$work/stderr" >&2
    exit 1
fi
exit "$status"
