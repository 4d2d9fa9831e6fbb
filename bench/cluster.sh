#!/usr/bin/env bash
# The cost of sharing channels through Redis (issue 14), on loopback with the load generator:
#   memory   one instance, history in memory (the baseline)
#   redis    one instance with --redis (every event goes through XADD and back through XREAD)
#   nginx2   two instances on one Redis behind nginx; subscribers and publishes are spread
#            over both by nginx's round robin
# Every run starts a fresh redis-server and fresh instances. The table shows medians of
# --repeat runs, and Redis's own time per event: the microseconds INFO commandstats counts in
# the append script (EVALSHA) and the instances' reads (XREAD), over the events published.
#
#   bench/cluster.sh --repeat 3 --scenarios fanout1k,latency1k --out /tmp/cluster-bench
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

server_bin=${SSE_DASHBOARD:-$repo/build/app/sse-dashboard}
loadgen_bin=${SSE_LOADGEN:-$repo/build/bench/sse-loadgen}
modes="memory,redis,nginx2"
scenarios="fanout1k,latency1k"
repeat=1
out=""

while (($#)); do
    case $1 in
    --modes) modes=${2:?}; shift 2 ;;
    --scenarios) scenarios=${2:?}; shift 2 ;;
    --repeat) repeat=${2:?}; shift 2 ;;
    --server-bin) server_bin=${2:?}; shift 2 ;;
    --loadgen) loadgen_bin=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "cluster: unknown option $1" >&2; exit 2 ;;
    esac
done
scenario_args() {
    case $1 in
    fanout1k) echo "-n 1000 -m 500" ;;
    latency1k) echo "-n 1000 -m 300 --rate 50" ;;
    fanout10k) echo "-n 10000 -m 100" ;;
    # Few subscribers, many events: how many publishes per second one Redis takes here.
    publish10) echo "-n 10 -m 5000" ;;
    *) return 1 ;;
    esac
}
[[ -n $out ]] || out=$(mktemp -d "${TMPDIR:-/tmp}/sse-cluster-bench.XXXXXX")
mkdir -p "$out"

pids=()
stop_all() {
    stop_processes "${pids[@]}"
    pids=()
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_port() {
    for _ in $(seq 100); do
        ss -Htln "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    echo "cluster: nothing listens on $1" >&2
    return 1
}
# start_instance DIR NAME EXTRA... -> sets instance_port and instance_pid
start_instance() {
    local dir=$1 name=$2 port
    shift 2
    port=$(free_port)
    QT_QPA_PLATFORM=offscreen QT_NO_GLIB=1 "$server_bin" --headless --port "$port" \
        --max-clients 19500 "$@" \
        >"$dir/$name.stdout" 2>"$dir/$name.stderr" &
    instance_pid=$!
    pids+=("$instance_pid")
    wait_port "$port"
    instance_port=$port
}

for scenario in ${scenarios//,/ }; do
    read -r -a load_args <<<"$(scenario_args "$scenario")"
    for ((rep = 1; rep <= repeat; rep++)); do
        for mode in ${modes//,/ }; do
            dir="$out/$scenario.$mode.$rep"
            mkdir -p "$dir"
            redis_port=""
            sample=()
            if [[ $mode != memory ]]; then
                redis_port=$(free_port)
                redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
                    --dir "$dir" >"$dir/redis.log" 2>&1 &
                pids+=("$!")
                wait_port "$redis_port"
            fi
            redis_url="redis://127.0.0.1:$redis_port/0"
            case $mode in
            memory)
                start_instance "$dir" a
                url="http://127.0.0.1:$instance_port/"
                sample=(--server-pid "$instance_pid") ;;
            redis)
                start_instance "$dir" a --redis "$redis_url"
                url="http://127.0.0.1:$instance_port/"
                sample=(--server-pid "$instance_pid") ;;
            nginx2)
                start_instance "$dir" a --redis "$redis_url"
                a=$instance_port
                sample=(--server-pid "$instance_pid")
                start_instance "$dir" b --redis "$redis_url"
                b=$instance_port
                sample+=(--server-pid "$instance_pid")
                port=$(free_port)
                mkdir -p "$dir/nginx"
                sed -e "s#@RUNDIR@#$dir/nginx#g" -e "s#@PORT@#$port#g" \
                    -e "s#@UPSTREAMS@#server 127.0.0.1:$a; server 127.0.0.1:$b;#" \
                    "$here/cluster/nginx.conf.in" >"$dir/nginx/nginx.conf"
                nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/nginx/error.log" \
                    >"$dir/nginx.stdout" 2>&1 &
                pids+=("$!")
                wait_port "$port"
                url="http://127.0.0.1:$port/" ;;
            *) echo "cluster: unknown mode $mode" >&2; exit 2 ;;
            esac
            echo "cluster: $scenario, $mode, run $rep" >&2
            set +e
            "$loadgen_bin" --url "$url" "${load_args[@]}" "${sample[@]}" --label "$mode" \
                --timeout 240 >"$dir/result.json" 2>"$dir/loadgen.log"
            echo $? >"$dir/exit-status"
            set -e
            if [[ -n $redis_port ]]; then
                redis-cli -p "$redis_port" INFO commandstats | tr -d '\r' >"$dir/redis-commands.txt"
            fi
            stop_all
            sleep 1
        done
    done
done

jget() { grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | head -n 1 | cut -d: -f2- | tr -d '"'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
metric() { # scenario mode key
    for ((rep = 1; rep <= repeat; rep++)); do jget "$out/$1.$2.$rep/result.json" "$3"; done | median
}
redis_us_per_event() { # scenario mode: Redis's time in the append script and the reads
    local rep d events
    for ((rep = 1; rep <= repeat; rep++)); do
        d="$out/$1.$2.$rep"
        [[ -f $d/redis-commands.txt ]] || continue
        events=$(jget "$d/result.json" published)
        [[ -n $events && $events != 0 ]] || continue
        # INFO commandstats: cmdstat_evalsha:calls=500,usec=2100,usec_per_call=4.2,...
        awk -F'[:,=]' -v n="$events" '/^cmdstat_(evalsha|xread):/ { s += $5 }
            END { printf "%.1f\n", s / n }' "$d/redis-commands.txt"
    done | median
}
{
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(redis-server --version | cut -d' ' -f3); $(date -u '+%Y-%m-%d %H:%M UTC'); repeats $repeat (medians); source $(git -C "$repo" describe --always --dirty 2>/dev/null)"
    echo
    echo "| scenario | mode | events/s | deliveries/s | p50 µs | p99 µs | server CPU ns/delivery | Redis µs/event | failures |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
    for scenario in ${scenarios//,/ }; do
        for mode in ${modes//,/ }; do
            fails=$(cat "$out/$scenario.$mode".*/exit-status 2>/dev/null | grep -vc '^0$' || true)
            echo "| $scenario | $mode | $(metric "$scenario" "$mode" eventsPerSec) | $(metric "$scenario" "$mode" deliveriesPerSec) | $(metric "$scenario" "$mode" latencyP50Us) | $(metric "$scenario" "$mode" latencyP99Us) | $(metric "$scenario" "$mode" serverCpuNsPerDelivery) | $(redis_us_per_event "$scenario" "$mode") | $fails |"
        done
    done
} | tee "$out/summary.md"
