#!/usr/bin/env bash
# Side-by-side benchmark of sse-dashboard (headless), the one-write-per-delivery floor
# (floor/sse-floor.c) and nginx + Nchan on loopback, against the performance targets of
# shared/DESIGN.md and issue 15. Every scenario run starts a fresh server (so
# memory readings are not skewed by what an earlier run left allocated) and stops it again;
# only one server runs at a time.
#
#   bench/compare.sh                      # all scenarios, all three servers (about 3 min)
#   bench/compare.sh --quick              # 1k scenarios with fewer events (about 30 s)
#   bench/compare.sh --scenarios fanout10k,hold19k --servers nchan --repeat 3
#   bench/compare.sh --tls                # HTTPS: ours and Nchan over TLS 1.3, ours also in plaintext
#   bench/compare.sh --h2                 # HTTP/2 over TLS 1.3: ours and Nchan (nginx http2 on),
#                                         # 100 streams per connection
#
# Results (JSON per run, load generator logs, summary.md) go to --out DIR (default: a new
# /tmp/sse-compare.XXXXXX directory).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
# shellcheck source=bench/lib/compare-servers.sh
. "$here/lib/compare-servers.sh"
# shellcheck source=bench/lib/compare-tables.sh
. "$here/lib/compare-tables.sh"

server_bin=${SSE_DASHBOARD:-$repo/build/app/sse-dashboard}
loadgen_bin=${SSE_LOADGEN:-$repo/build/bench/sse-loadgen}
floor_bin=${SSE_FLOOR:-$repo/build/bench/sse-floor}
nginx_bin=${NGINX:-nginx}
scenarios="fanout1k,latency1k,fanout10k,hold19k"
servers="ours,floor,nchan"
servers_given=0
tls=0
h2=0
h2_streams=100 # streams per connection in --h2 runs: 10 x 100 for 1k, 100 x 100 for 10k
tls_suite=TLS_AES_128_GCM_SHA256 # the one TLS 1.3 cipher suite every server is measured on
repeat=1
quick=0
out=""
extra_server_args=""

usage() {
    cat <<'USAGE'
Usage: bench/compare.sh [options]
  --scenarios LIST   comma-separated, from: fanout1k latency1k fanout10k hold19k
                     (default: all)
                       fanout1k   1,000 subscribers x 500 events, closed loop
                       latency1k  1,000 subscribers x 300 events at 50 events/s
                       fanout10k  10,000 subscribers x 100 events, closed loop
                       hold19k    19,000 subscribers x 10 events (2 source addresses)
                     idle memory per subscriber is read in every scenario before publishing
  --quick            fewer events per scenario; default scenarios fanout1k,latency1k
  --servers LIST     from ours,floor,nchan (default all three); with --tls from
                     ours,nchan,ours-plain (default all three)
                       ours   sse-dashboard --headless
                       floor  floor/sse-floor.c: one epoll loop, one write() per delivery
                       nchan  nginx + Nchan
                       ours-plain  sse-dashboard in plaintext during a --tls run, for its
                              CPU per delivery over TLS against plaintext
  --tls              HTTPS: every subscriber and the publisher speak TLS 1.3 with
                     TLS_AES_128_GCM_SHA256 only, verifying an ECDSA P-256 certificate for
                     IP:127.0.0.1 made for the run (in OUT/tls) that ours and nginx both
                     serve; floor has no TLS
  --h2               HTTP/2 over TLS (implies --tls): subscribers open 100 streams per
                     connection (h2 through ALPN), nginx serves Nchan with http2 on; servers
                     from ours,nchan (default both). The publisher stays on HTTP/1.1.
  --repeat N         runs per scenario and server; the table shows medians (default 1)
  --server-bin PATH  sse-dashboard binary (default build/app/sse-dashboard, env SSE_DASHBOARD)
  --server-args ARGS more sse-dashboard options, split at spaces; @RUNDIR@ becomes the run's
                     own directory, e.g. --server-args '--history-file @RUNDIR@/history.sqlite'
  --loadgen PATH     sse-loadgen binary (default build/bench/sse-loadgen, env SSE_LOADGEN)
  --floor-bin PATH   sse-floor binary (default build/bench/sse-floor, env SSE_FLOOR)
  --out DIR          where results go (default: new /tmp/sse-compare.XXXXXX)
USAGE
}

scenarios_given=0
while (($#)); do
    case $1 in
    --scenarios) scenarios=${2:?}; scenarios_given=1; shift 2 ;;
    --servers) servers=${2:?}; servers_given=1; shift 2 ;;
    --tls) tls=1; shift ;;
    --h2) h2=1; tls=1; shift ;;
    --repeat) repeat=${2:?}; shift 2 ;;
    --quick) quick=1; shift ;;
    --server-bin) server_bin=${2:?}; shift 2 ;;
    --server-args) extra_server_args=${2?}; shift 2 ;;
    --loadgen) loadgen_bin=${2:?}; shift 2 ;;
    --floor-bin) floor_bin=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "compare: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
if ((quick && !scenarios_given)); then
    scenarios="fanout1k,latency1k"
fi
if ((h2 && !servers_given)); then
    servers="ours,nchan"
elif ((tls && !servers_given)); then
    servers="ours,nchan,ours-plain"
fi
if ((h2)) && [[ ,$servers, == *,ours-plain,* ]]; then
    echo "compare: --h2 compares ours with Nchan; ours-plain is for --tls runs" >&2
    exit 2
fi
[[ $repeat =~ ^[1-9][0-9]?$ ]] || { echo "compare: --repeat needs 1..99" >&2; exit 2; }

# Load generator arguments per scenario (server-specific ones are added later).
scenario_args() {
    local full quickly
    case $1 in
    fanout1k) full="-n 1000 -m 500"; quickly="-n 1000 -m 100" ;;
    latency1k) full="-n 1000 -m 300 --rate 50"; quickly="-n 1000 -m 100 --rate 50" ;;
    fanout10k) full="-n 10000 -m 100"; quickly="-n 10000 -m 20" ;;
    hold19k) full="-n 19000 -m 10 --per-source 10000"; quickly="$full" ;;
    *) return 1 ;;
    esac
    if ((quick)); then echo "$quickly"; else echo "$full"; fi
}

IFS=, read -r -a scenario_list <<<"$scenarios"
IFS=, read -r -a server_list <<<"$servers"
for s in "${scenario_list[@]}"; do
    scenario_args "$s" >/dev/null || { echo "compare: unknown scenario $s" >&2; exit 2; }
done
for s in "${server_list[@]}"; do
    case $s in
    ours | nchan) ;;
    floor)
        if ((tls)); then
            echo "compare: floor speaks plain HTTP only; leave it out of --servers with --tls" \
                "(TLS runs compare ours with Nchan, and ours-plain with ours over TLS)" >&2
            exit 2
        fi ;;
    ours-plain)
        if ((!tls)); then
            echo "compare: ours-plain is for --tls runs (without --tls, ours is plaintext already)" >&2
            exit 2
        fi ;;
    *) echo "compare: unknown server $s" >&2; exit 2 ;;
    esac
done

[[ -x $loadgen_bin ]] || { echo "compare: no load generator at $loadgen_bin (build target sse-loadgen)" >&2; exit 2; }
if [[ ,$servers, =~ ,ours(-plain)?, && ! -x $server_bin ]]; then
    echo "compare: no sse-dashboard at $server_bin (build target sse-dashboard)" >&2
    exit 2
fi
if [[ ,$servers, == *,floor,* && ! -x $floor_bin ]]; then
    echo "compare: no sse-floor at $floor_bin (build target sse-floor)" >&2
    exit 2
fi
if [[ ,$servers, == *,nchan,* ]]; then
    command -v "$nginx_bin" >/dev/null || { echo "compare: nginx not installed" >&2; exit 2; }
    [[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]] ||
        { echo "compare: Nchan module missing (apt-get install libnginx-mod-nchan)" >&2; exit 2; }
fi

if ((tls)); then
    command -v openssl >/dev/null || { echo "compare: --tls needs the openssl command" >&2; exit 2; }
fi

if [[ -z $out ]]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/sse-compare.XXXXXX")
else
    mkdir -p "$out"
fi

# ---------------------------------------------------------------- TLS certificate
# One for the whole run, used by every TLS server: an ECDSA P-256 CA and a server certificate
# for IP:127.0.0.1 signed by it. The load generator verifies against the CA.
tls_dir="$out/tls"
tls_ca="$tls_dir/ca.pem"
tls_cert="$tls_dir/server.pem"
tls_key="$tls_dir/server-key.pem"
if ((tls)); then
    make_certificate || exit 1
fi

# ---------------------------------------------------------------- server control
server_pids=()  # processes to sample: ours, or nginx master + worker
stop_pids=()    # processes to stop on exit
server_url=""
server_args=()  # load generator arguments for the running server

loadgen_pid=""
trap stop_server EXIT
trap 'exit 130' INT TERM

# Load generator arguments for TLS: verify the run's certificate, the one cipher suite.
tls_loadgen_args=(--ca "$tls_ca" --tls-ciphersuites "$tls_suite")

# ---------------------------------------------------------------- runs
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 0.7) }'; then
    echo "compare: WARNING: load average $load1 - something else is using the CPU; figures" \
        "will be noisy (the machine has $(nproc) cores)" >&2
fi

echo "compare: results in $out" >&2
for scenario in "${scenario_list[@]}"; do
    read -r -a load_args <<<"$(scenario_args "$scenario")"
    for ((rep = 1; rep <= repeat; rep++)); do
        for server in "${server_list[@]}"; do
            run_dir="$out/$scenario.$server.$rep"
            mkdir -p "$run_dir"
            if [[ $server == ours ]]; then
                start_ours "$run_dir" || exit 1
                label=sse-dashboard
            elif [[ $server == ours-plain ]]; then
                start_ours "$run_dir" plain || exit 1
                label=sse-dashboard-plain
            elif [[ $server == floor ]]; then
                start_floor "$run_dir" || exit 1
                label=floor
            else
                start_nchan "$run_dir" || exit 1
                label=nchan
            fi
            pid_args=()
            for pid in "${server_pids[@]}"; do pid_args+=(--server-pid "$pid"); done
            echo "compare: $scenario, $label, run $rep" >&2
            set +e
            # In the background so that a signal to this script acts at once (bash runs traps
            # only between commands, but `wait` is interruptible).
            h2_args=()
            ((h2)) && h2_args=(--h2-streams "$h2_streams")
            "$loadgen_bin" "${server_args[@]}" "${load_args[@]}" "${h2_args[@]}" "${pid_args[@]}" \
                --label "$label" --timeout 240 >"$run_dir/result.json" 2>"$run_dir/loadgen.log" &
            loadgen_pid=$!
            wait "$loadgen_pid"
            status=$?
            loadgen_pid=""
            set -e
            sed -n '/^== /,$p' "$run_dir/loadgen.log" >&2
            if ! kill -0 "${server_pids[0]}" 2>/dev/null; then
                echo "compare: $label died during $scenario" >&2
                echo '{"serverDied":true}' >"$run_dir/result.json"
            fi
            stop_server
            echo "$status" >"$run_dir/exit-status"
            sleep 1 # let the kernel release the closed sockets before the next server starts
        done
    done
done

# ---------------------------------------------------------------- table
summary="$out/summary.md"
{
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'),"\
        "$(uname -r); $(nginx -v 2>&1 | sed 's/.*version: //'), Nchan" \
        "$(dpkg-query -W -f='${Version}' libnginx-mod-nchan 2>/dev/null || echo '?');" \
        "$(date -u '+%Y-%m-%d %H:%M UTC'); load average at start $load1;" \
        "repeats $repeat (medians)$( ((quick)) && echo '; QUICK sizes')"
    echo
    echo "sse-dashboard: $server_bin (source $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown))"
    echo
    if ((h2)); then
        h2_table
    elif ((tls)); then
        tls_table
    else
        plain_table
    fi
    echo
    echo "Failures (exit status != 0):"
    found=0
    for f in "$out"/*/exit-status; do
        [[ -f $f ]] || continue
        if [[ $(cat "$f") != 0 ]]; then
            found=1
            d=$(dirname "$f")
            echo "- $(basename "$d"): exit $(cat "$f"); $(grep -m1 -E 'result|setup error' "$d/loadgen.log" | sed 's/^ *//')"
        fi
    done
    ((found)) || echo "- none"
} >"$summary"

echo
cat "$summary"
echo
echo "compare: details in $out" >&2
