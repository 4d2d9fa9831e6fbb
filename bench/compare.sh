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
#
# Results (JSON per run, load generator logs, summary.md) go to --out DIR (default: a new
# /tmp/sse-compare.XXXXXX directory).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

server_bin=${SSE_DASHBOARD:-$repo/build/app/sse-dashboard}
loadgen_bin=${SSE_LOADGEN:-$repo/build/bench/sse-loadgen}
floor_bin=${SSE_FLOOR:-$repo/build/bench/sse-floor}
nginx_bin=${NGINX:-nginx}
scenarios="fanout1k,latency1k,fanout10k,hold19k"
servers="ours,floor,nchan"
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
  --servers LIST     from ours,floor,nchan (default all three)
                       ours   sse-dashboard --headless
                       floor  floor/sse-floor.c: one epoll loop, one write() per delivery
                       nchan  nginx + Nchan
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
    --servers) servers=${2:?}; shift 2 ;;
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
    [[ $s == ours || $s == floor || $s == nchan ]] || { echo "compare: unknown server $s" >&2; exit 2; }
done

[[ -x $loadgen_bin ]] || { echo "compare: no load generator at $loadgen_bin (build target sse-loadgen)" >&2; exit 2; }
if [[ ,$servers, == *,ours,* && ! -x $server_bin ]]; then
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

if [[ -z $out ]]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/sse-compare.XXXXXX")
else
    mkdir -p "$out"
fi

# ---------------------------------------------------------------- server control
server_pids=()  # processes to sample: ours, or nginx master + worker
stop_pids=()    # processes to stop on exit
server_url=""
server_args=()  # load generator arguments for the running server

loadgen_pid=""
stop_server() {
    if [[ -n $loadgen_pid ]]; then
        kill -TERM "$loadgen_pid" 2>/dev/null || true
        wait "$loadgen_pid" 2>/dev/null || true
        loadgen_pid=""
    fi
    stop_processes "${stop_pids[@]}"
    stop_pids=()
    server_pids=()
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# The server started last (PID, whose stdout is DIR/server.stdout) prints its URL as its first
# line: wait for it and set server_url and server_pids. NAME is for the error message.
await_url() {
    local dir=$1 pid=$2 name=$3 url=""
    stop_pids=("$pid")
    for _ in $(seq 100); do
        url=$(head -n 1 "$dir/server.stdout" 2>/dev/null || true)
        [[ $url == http://* ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ $url != http://* ]]; then
        echo "compare: $name did not print its URL; stderr:" >&2
        cat "$dir/server.stderr" >&2
        return 1
    fi
    server_url=$url
    server_pids=("$pid")
}

start_ours() {
    local dir=$1 extra=()
    read -r -a extra <<<"${extra_server_args//@RUNDIR@/$dir}"
    # QT_NO_GLIB: Qt's own Unix event dispatcher; GLib's costs about twice the CPU per write.
    QT_QPA_PLATFORM=offscreen QT_NO_GLIB=1 stdbuf -oL \
        "$server_bin" --headless --port 0 --max-clients 19500 "${extra[@]}" \
        >"$dir/server.stdout" 2>"$dir/server.stderr" &
    await_url "$dir" $! sse-dashboard || return 1
    server_args=(--url "$server_url" --sub-path /events --pub-path /publish)
}

start_floor() {
    local dir=$1
    stdbuf -oL "$floor_bin" 0 >"$dir/server.stdout" 2>"$dir/server.stderr" &
    await_url "$dir" $! sse-floor || return 1
    server_args=(--url "$server_url" --sub-path /sub --pub-path /pub
        --pub-body '{{data}}' --pub-content-type text/plain)
}

start_nchan() {
    local dir=$1 port master worker=""
    port=$(free_port) || { echo "compare: no free port" >&2; return 1; }
    mkdir -p "$dir/nginx"
    sed -e "s#@RUNDIR@#$dir/nginx#g" -e "s#@PORT@#$port#g" \
        "$here/nchan/nginx.conf.in" >"$dir/nginx/nginx.conf"
    "$nginx_bin" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/nginx/error.log" \
        >"$dir/server.stdout" 2>"$dir/server.stderr" &
    master=$!
    stop_pids=("$master")
    for _ in $(seq 100); do
        worker=$(pgrep -P "$master" | head -n 1 || true)
        if [[ -n $worker ]] && ss -Htln "sport = :$port" | grep -q .; then
            break
        fi
        kill -0 "$master" 2>/dev/null || break
        worker=""
        sleep 0.1
    done
    if [[ -z $worker ]]; then
        echo "compare: nginx did not start; error log:" >&2
        cat "$dir/nginx/error.log" "$dir/server.stderr" >&2 || true
        return 1
    fi
    server_url="http://127.0.0.1:$port/"
    server_pids=("$master" "$worker")
    server_args=(--url "$server_url" --sub-path /sub --pub-path /pub
        --pub-body '{{data}}' --pub-content-type text/plain)
}

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
            "$loadgen_bin" "${server_args[@]}" "${load_args[@]}" "${pid_args[@]}" \
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
jget() { # file key -> value of a flat JSON line
    grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | head -n 1 | cut -d: -f2- | tr -d '"'
}
# Median of a metric over the repeats of one scenario and server ("" when absent).
metric() {
    local scenario=$1 server=$2 key=$3 rep values=()
    for ((rep = 1; rep <= repeat; rep++)); do
        local file="$out/$scenario.$server.$rep/result.json"
        [[ -f $file ]] || continue
        local v
        v=$(jget "$file" "$key")
        [[ -n $v && $v != null ]] && values+=("$v")
    done
    ((${#values[@]})) || return 0
    printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
fmt() { # number formatting: fmt VALUE SCALE DECIMALS
    [[ -z $1 ]] && { echo "-"; return; }
    awk -v v="$1" -v s="$2" -v d="$3" 'BEGIN { printf "%.*f", d, v / s }'
}
ratio() {
    [[ -z $1 || -z $2 ]] && { echo "-"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'
}
# verdict RATIO OP LIMIT -> yes/NO/-
verdict() {
    [[ $1 == - ]] && { echo "-"; return; }
    awk -v r="$1" -v op="$2" -v l="$3" 'BEGIN {
        ok = (op == ">=") ? (r >= l) : (r <= l); print ok ? "yes" : "NO" }'
}
has() { [[ ,$scenarios, == *,$1,* ]]; }

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
    echo "floor: $floor_bin"
    echo
    echo "| metric | sse-dashboard | floor | nginx + Nchan | ours / floor | ours / Nchan | target | met |"
    echo "|---|---:|---:|---:|---:|---:|---|---|"
    # both VERDICT VERDICT -> NO if either is NO, yes if one is yes, else -
    both() {
        if [[ $1 == NO || $2 == NO ]]; then echo NO
        elif [[ $1 == yes || $2 == yes ]]; then echo yes
        else echo -; fi
    }
    row() { # label scale decimals key scenario op floor-limit nchan-limit target-text
        local a f b rf rb met
        a=$(metric "$5" ours "$4")
        f=$(metric "$5" floor "$4")
        b=$(metric "$5" nchan "$4")
        rf=$(ratio "$a" "$f")
        rb=$(ratio "$a" "$b")
        met=$(both "$(verdict "$rf" "$6" "$7")" "$(verdict "$rb" "$6" "$8")")
        [[ $9 == "(info)" ]] && met="-"
        echo "| $1 | $(fmt "$a" "$2" "$3") | $(fmt "$f" "$2" "$3") | $(fmt "$b" "$2" "$3") | $rf | $rb | $9 | $met |"
    }
    if has fanout1k; then
        row "deliveries/s, 1k subscribers, closed loop" 1 0 deliveriesPerSec fanout1k ">=" 1.05 1.25 "≥ 1.05× floor, ≥ 1.25× Nchan"
        row "server CPU ns/delivery, 1k" 1 0 serverCpuNsPerDelivery fanout1k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "server + ksoftirqd CPU ns/delivery, 1k" 1 0 serverWithSoftirqNsPerDelivery fanout1k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "latency p99 µs, 1k, closed loop (saturated)" 1 0 latencyP99Us fanout1k "<=" 1.0 1.0 "≤ 1.0× both"
    fi
    if has latency1k; then
        row "latency p50 µs, 1k at 50 ev/s" 1 0 latencyP50Us latency1k "<=" 1.0 1.0 "(info)"
        row "latency p99 µs, 1k at 50 ev/s" 1 0 latencyP99Us latency1k "<=" 1.0 1.0 "≤ 1.0× both"
    fi
    if has fanout10k; then
        row "deliveries/s, 10k subscribers, closed loop" 1 0 deliveriesPerSec fanout10k ">=" 1.05 1.25 "≥ 1.05× floor, ≥ 1.25× Nchan"
        row "server CPU ns/delivery, 10k" 1 0 serverCpuNsPerDelivery fanout10k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "server + ksoftirqd CPU ns/delivery, 10k" 1 0 serverWithSoftirqNsPerDelivery fanout10k "<=" 0.9 0.8 "≤ 0.9× floor, ≤ 0.8× Nchan"
        row "latency p99 µs, 10k, closed loop (saturated)" 1 0 latencyP99Us fanout10k "<=" 1.0 1.0 "≤ 1.0× floor"
    fi
    for s in fanout1k fanout10k hold19k; do
        has "$s" || continue
        a=$(metric "$s" ours idleBytesPerSubscriber)
        f=$(metric "$s" floor idleBytesPerSubscriber)
        b=$(metric "$s" nchan idleBytesPerSubscriber)
        n=$(metric "$s" ours connected)
        [[ -z $n ]] && n=$(metric "$s" nchan connected)
        met="-"
        [[ -n $a ]] && met=$(awk -v a="$a" -v b="${b:-1e18}" 'BEGIN { print (a <= 1536 && a < b) ? "yes" : "NO" }')
        echo "| idle memory KiB/subscriber at $(fmt "$n" 1 0) ($s) | $(fmt "$a" 1024 2) | $(fmt "$f" 1024 2) | $(fmt "$b" 1024 2) | $(ratio "$a" "$f") | $(ratio "$a" "$b") | ≤ 1.5 KiB and < Nchan | $met |"
    done
    if has hold19k; then
        cell() {
            local c l
            c=$(metric hold19k "$1" connected)
            l=$(metric hold19k "$1" lost)
            [[ -z $c ]] && { echo "-"; return; }
            echo "$(fmt "$c" 1 0) held, $(fmt "$l" 1 0) lost"
        }
        c=$(metric hold19k ours connected)
        l=$(metric hold19k ours lost)
        met="-"
        [[ -n $c ]] && met=$(awk -v c="$c" -v l="$l" 'BEGIN { print (c >= 19000 && l == 0) ? "yes" : "NO" }')
        echo "| 19k subscribers x 10 events | $(cell ours) | $(cell floor) | $(cell nchan) | - | - | 19,000 held, 0 lost | $met |"
        row "deliveries/s, 19k" 1 0 deliveriesPerSec hold19k ">=" 0 0 "(info)"
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
