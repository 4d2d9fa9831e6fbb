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
make_certificate() {
    mkdir -p "$tls_dir"
    (
        cd "$tls_dir"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 2 \
            -subj "/CN=sse-dashboard bench CA" -keyout ca-key.pem -out ca.pem \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
            -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr
        printf '%s\n' subjectAltName=IP:127.0.0.1 basicConstraints=critical,CA:FALSE \
            keyUsage=critical,digitalSignature extendedKeyUsage=serverAuth >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
            -sha256 -extfile server.ext -out server.pem
        openssl verify -CAfile ca.pem server.pem
    ) >"$tls_dir/openssl.log" 2>&1 || {
        echo "compare: could not make the TLS certificate:" >&2
        cat "$tls_dir/openssl.log" >&2
        return 1
    }
}
if ((tls)); then
    make_certificate || exit 1
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
        [[ $url == http://* || $url == https://* ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ $url != http://* && $url != https://* ]]; then
        echo "compare: $name did not print its URL; stderr:" >&2
        cat "$dir/server.stderr" >&2
        return 1
    fi
    server_url=$url
    server_pids=("$pid")
}

# Load generator arguments for TLS: verify the run's certificate, the one cipher suite.
tls_loadgen_args=(--ca "$tls_ca" --tls-ciphersuites "$tls_suite")

start_ours() { # DIR [plain]: in --tls mode HTTPS unless "plain"
    local dir=$1 extra=() tls_args=()
    read -r -a extra <<<"${extra_server_args//@RUNDIR@/$dir}"
    if ((tls)) && [[ ${2:-} != plain ]]; then
        tls_args=(--tls-cert "$tls_cert" --tls-key "$tls_key")
    fi
    # QT_NO_GLIB: Qt's own Unix event dispatcher; GLib's costs about twice the CPU per write.
    QT_QPA_PLATFORM=offscreen QT_NO_GLIB=1 stdbuf -oL \
        "$server_bin" --headless --port 0 --max-clients 19500 "${tls_args[@]}" "${extra[@]}" \
        >"$dir/server.stdout" 2>"$dir/server.stderr" &
    await_url "$dir" $! sse-dashboard || return 1
    server_args=(--url "$server_url" --sub-path /events --pub-path /publish)
    if [[ $server_url == https://* ]]; then
        server_args+=("${tls_loadgen_args[@]}")
    fi
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
    local tls_edit=()
    if ((tls)); then # see the head of nginx.conf.in
        tls_edit=(-e '/#plain$/d' -e 's/^\( *\)#tls /\1/' -e "s#@TLS_CERT@#$tls_cert#g"
            -e "s#@TLS_KEY@#$tls_key#g" -e "s#@TLS_CIPHERSUITES@#$tls_suite#g")
    fi
    if ((h2)); then # nginx 1.22: "listen ... ssl http2"
        tls_edit+=(-e 's/ ssl backlog=/ ssl http2 backlog=/')
    fi
    sed -e "s#@RUNDIR@#$dir/nginx#g" -e "s#@PORT@#$port#g" "${tls_edit[@]}" \
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
    server_args=(--sub-path /sub --pub-path /pub --pub-body '{{data}}' --pub-content-type text/plain)
    if ((tls)); then
        server_url="https://127.0.0.1:$port/"
        server_args+=("${tls_loadgen_args[@]}")
    fi
    server_args+=(--url "$server_url")
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
jget() { # file key -> value of a flat JSON line
    grep -o "\"$2\":[^,}]*" "$1" 2>/dev/null | head -n 1 | cut -d: -f2- | tr -d '"' || true
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
# "19,000 held, 0 lost" for SERVER in hold19k
cell() {
    local c l
    c=$(metric hold19k "$1" connected)
    l=$(metric hold19k "$1" lost)
    [[ -z $c ]] && { echo "-"; return; }
    echo "$(fmt "$c" 1 0) held, $(fmt "$l" 1 0) lost"
}

# The table without --tls: ours against the floor and Nchan.
plain_table() {
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
        c=$(metric hold19k ours connected)
        l=$(metric hold19k ours lost)
        met="-"
        [[ -n $c ]] && met=$(awk -v c="$c" -v l="$l" 'BEGIN { print (c >= 19000 && l == 0) ? "yes" : "NO" }')
        echo "| 19k subscribers x 10 events | $(cell ours) | $(cell floor) | $(cell nchan) | - | - | 19,000 held, 0 lost | $met |"
        row "deliveries/s, 19k" 1 0 deliveriesPerSec hold19k ">=" 0 0 "(info)"
    fi
}

# The --tls table: ours against Nchan, both over TLS, and ours over TLS against ours in
# plaintext (ours-plain).
tls_table() {
    local negotiated
    negotiated=$(for f in "$out"/*.ours.*/result.json "$out"/*.nchan.*/result.json; do
        jget "$f" tls
    done | awk NF | sort -u | paste -sd / -)
    echo "TLS mode: TLS 1.3 only, cipher suite $tls_suite (negotiated: ${negotiated:-nothing});" \
        "ECDSA P-256 server certificate for IP:127.0.0.1 made for this run and verified by the" \
        "load generator; a full handshake for every connection; $(openssl version | cut -d' ' -f1-2)." \
        "ours-plain: the same sse-dashboard in plaintext."
    echo
    echo "| metric | sse-dashboard over TLS | nginx + Nchan over TLS | sse-dashboard plaintext | ours / Nchan | TLS / plaintext | target | met |"
    echo "|---|---:|---:|---:|---:|---:|---|---|"
    # trow LABEL SCALE DECIMALS KEY SCENARIO CHECK OP LIMIT TARGET-TEXT; CHECK is nchan (ours
    # over TLS against Nchan), plain (against ours in plaintext) or info
    trow() {
        local a b p rb rp met=-
        a=$(metric "$5" ours "$4")
        b=$(metric "$5" nchan "$4")
        p=$(metric "$5" ours-plain "$4")
        rb=$(ratio "$a" "$b")
        rp=$(ratio "$a" "$p")
        case $6 in
        nchan) met=$(verdict "$rb" "$7" "$8") ;;
        plain) met=$(verdict "$rp" "$7" "$8") ;;
        esac
        echo "| $1 | $(fmt "$a" "$2" "$3") | $(fmt "$b" "$2" "$3") | $(fmt "$p" "$2" "$3") | $rb | $rp | $9 | $met |"
    }
    local s a b p n met
    for s in fanout1k fanout10k; do
        has "$s" || continue
        n=${s#fanout}
        trow "deliveries/s over TLS, $n subscribers, closed loop" 1 0 deliveriesPerSec "$s" nchan ">=" 1.5 "≥ 1.5× Nchan"
        trow "server CPU ns/delivery over TLS, $n" 1 0 serverCpuNsPerDelivery "$s" plain "<=" 1.3 "≤ 1.3× ours in plaintext"
        trow "server + ksoftirqd CPU ns/delivery over TLS, $n" 1 0 serverWithSoftirqNsPerDelivery "$s" info - - "(info)"
        trow "latency p99 µs over TLS, $n, closed loop (saturated)" 1 0 latencyP99Us "$s" info - - "(info)"
        trow "load generator CPU, share of a core, $n" 1 2 loadgenCpuShare "$s" info - - "(info; near 1 = it set the pace)"
    done
    if has latency1k; then
        trow "latency p50 µs over TLS, 1k at 50 ev/s" 1 0 latencyP50Us latency1k info - - "(info)"
        trow "latency p99 µs over TLS, 1k at 50 ev/s" 1 0 latencyP99Us latency1k info - - "(info)"
    fi
    for s in fanout1k fanout10k hold19k; do
        has "$s" || continue
        a=$(metric "$s" ours idleBytesPerSubscriber)
        b=$(metric "$s" nchan idleBytesPerSubscriber)
        p=$(metric "$s" ours-plain idleBytesPerSubscriber)
        n=$(metric "$s" ours connected)
        [[ -z $n ]] && n=$(metric "$s" nchan connected)
        met="-"
        [[ -n $a ]] && met=$(awk -v a="$a" -v b="${b:-1e18}" 'BEGIN { print (a <= 8192 && a < b) ? "yes" : "NO" }')
        echo "| idle memory KiB per TLS subscriber at $(fmt "$n" 1 0) ($s) | $(fmt "$a" 1024 2) | $(fmt "$b" 1024 2) | $(fmt "$p" 1024 2) | $(ratio "$a" "$b") | $(ratio "$a" "$p") | ≤ 8 KiB and < Nchan | $met |"
    done
    if has hold19k; then
        a=$(metric hold19k ours connected)
        b=$(metric hold19k ours lost)
        met="-"
        [[ -n $a ]] && met=$(awk -v c="$a" -v l="$b" 'BEGIN { print (c >= 19000 && l == 0) ? "yes" : "NO" }')
        echo "| 19k TLS subscribers x 10 events | $(cell ours) | $(cell nchan) | $(cell ours-plain) | - | - | 19,000 held, 0 lost | $met |"
        trow "deliveries/s over TLS, 19k" 1 0 deliveriesPerSec hold19k info - - "(info)"
    fi
    if [[ ,$servers, != *,ours-plain,* ]]; then
        echo
        echo "No ours-plain in --servers: the CPU target against plaintext is not judged."
    fi
}

# The --h2 table: ours against Nchan, both over HTTP/2 on TLS 1.3.
h2_table() {
    echo "HTTP/2 mode: subscribers open $h2_streams streams per connection (h2 through ALPN, nghttp2's" \
        "client session in the load generator); TLS 1.3 only, cipher suite $tls_suite; the ECDSA" \
        "P-256 certificate of the run; nginx with http2 on; the publisher speaks HTTP/1.1."
    echo
    echo "| metric | sse-dashboard over h2 | nginx + Nchan over h2 | ours / Nchan | target | met |"
    echo "|---|---:|---:|---:|---|---|"
    hrow() { # LABEL SCALE DECIMALS KEY SCENARIO OP LIMIT TARGET-TEXT
        local a b r met=-
        a=$(metric "$5" ours "$4")
        b=$(metric "$5" nchan "$4")
        r=$(ratio "$a" "$b")
        [[ $6 != - ]] && met=$(verdict "$r" "$6" "$7")
        echo "| $1 | $(fmt "$a" "$2" "$3") | $(fmt "$b" "$2" "$3") | $r | $8 | $met |"
    }
    local s n a b met
    for s in fanout1k fanout10k hold19k; do
        has "$s" || continue
        n=$(metric "$s" ours connected)
        hrow "deliveries/s over h2, $(fmt "$n" 1 0) streams, closed loop" 1 0 deliveriesPerSec "$s" ">=" 1.5 "≥ 1.5× Nchan"
        hrow "server CPU ns/delivery over h2, $s" 1 0 serverCpuNsPerDelivery "$s" - - "(info)"
        hrow "load generator CPU, share of a core, $s" 1 2 loadgenCpuShare "$s" - - "(info; near 1 = it set the pace)"
        a=$(metric "$s" ours idleBytesPerSubscriber)
        b=$(metric "$s" nchan idleBytesPerSubscriber)
        met="-"
        [[ -n $a ]] && met=$(awk -v a="$a" 'BEGIN { print (a <= 2048) ? "yes" : "NO" }')
        echo "| idle memory KiB per stream, $h2_streams streams per connection ($s) | $(fmt "$a" 1024 2) | $(fmt "$b" 1024 2) | $(ratio "$a" "$b") | ≤ 2 KiB | $met |"
    done
    if has latency1k; then
        hrow "latency p50 µs over h2, 1k at 50 ev/s" 1 0 latencyP50Us latency1k - - "(info)"
        hrow "latency p99 µs over h2, 1k at 50 ev/s" 1 0 latencyP99Us latency1k "<=" 1.0 "below Nchan's"
    fi
}

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
