#!/usr/bin/env bash
# A local sse-dashboard cluster on loopback: one redis-server, three headless instances sharing
# it (--redis), and nginx in front with deploy/nginx-cluster.conf. Nothing runs as a system
# service and nothing needs root: every process has its own directory, pid file and log under
# the run directory.
#
#   scripts/cluster.sh start    # prints the front URL and the instance URLs
#   scripts/cluster.sh status   # what is running, and the front's /api/cluster (exit status
#                               # 0: all up, 1: something is down, 3: nothing runs)
#   scripts/cluster.sh stop     # stops nginx, the instances and redis
#
# Environment (defaults in brackets):
#   SSE_DASHBOARD_BIN         the binary [build/app/sse-dashboard]
#   SSE_CLUSTER_DIR           run directory [${XDG_RUNTIME_DIR:-/tmp}/sse-cluster]
#   SSE_CLUSTER_FRONT_PORT    nginx [8090]
#   SSE_CLUSTER_PORTS         the instances, one per port [8091 8092 8093]
#   SSE_CLUSTER_REDIS_PORT    redis-server [6390]
#   SSE_CLUSTER_PREFIX        Redis key prefix of the cluster [sse-cluster]
#   SSE_CLUSTER_ARGS          more options for every instance, split at spaces (e.g.
#                             "--history 5000 --heartbeat 5")
#   NGINX, REDIS_SERVER       the nginx and redis-server binaries [found on PATH, /usr/sbin]
#
# Redis keeps nothing on disk here (--save '' --appendonly no): `stop` ends the cluster's
# history with it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")

bin=${SSE_DASHBOARD_BIN:-$repo/build/app/sse-dashboard}
run=${SSE_CLUSTER_DIR:-${XDG_RUNTIME_DIR:-/tmp}/sse-cluster}
front_port=${SSE_CLUSTER_FRONT_PORT:-8090}
read -r -a ports <<<"${SSE_CLUSTER_PORTS:-8091 8092 8093}"
redis_port=${SSE_CLUSTER_REDIS_PORT:-6390}
prefix=${SSE_CLUSTER_PREFIX:-sse-cluster}
read -r -a extra_args <<<"${SSE_CLUSTER_ARGS:-}"
template=$repo/deploy/nginx-cluster.conf

find_bin() { # NAME ENV_VALUE
    if [[ -n $2 ]]; then
        echo "$2"
    elif command -v "$1" >/dev/null; then
        command -v "$1"
    elif [[ -x /usr/sbin/$1 ]]; then
        echo "/usr/sbin/$1"
    else
        echo "$1"
    fi
}
nginx_bin=$(find_bin nginx "${NGINX:-}")
redis_bin=$(find_bin redis-server "${REDIS_SERVER:-}")

say() { echo "cluster: $*"; }
die() {
    echo "cluster: $*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# ------------------------------------------------------------------------- processes

# The pid in FILE if that process is alive, else nothing (and status 1). A zombie (dead, not
# yet reaped by whoever adopted it) counts as dead.
alive_pid() {
    local pid state=""
    [[ -f $1 ]] || return 1
    pid=$(<"$1")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r /proc/$pid/stat ]]; then
        state=$(sed -e 's/^.*) //' -e 's/ .*//' "/proc/$pid/stat" 2>/dev/null || true)
    fi
    [[ $state != Z ]] || return 1
    echo "$pid"
}

# Stops the process of pid file FILE: SIGTERM, SIGKILL after 5 s; removes the file.
stop_pidfile() {
    local file=$1 name=$2 pid
    if pid=$(alive_pid "$file"); then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name (pid $pid) did not stop on SIGTERM; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        say "stopped $name (pid $pid)"
    fi
    rm -f "$file"
}

port_in_use() {
    ss -Htln "sport = :$1" | grep -q .
}

# Polls COMMAND... for up to 10 s; fails at once if process PID (when given) has exited.
wait_until() {
    local pid=$1
    shift
    for _ in $(seq 100); do
        "$@" >/dev/null 2>&1 && return 0
        if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
    return 1
}

healthy() {
    curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$1/healthz"
}

# Every instance lists all instances in its /api/cluster.
cluster_complete() {
    local p listed
    for p in "${ports[@]}"; do
        listed=$(curl -fsS --max-time 2 "http://127.0.0.1:$p/api/cluster" | grep -o '"address"' | wc -l)
        ((listed == ${#ports[@]})) || return 1
    done
}

# ------------------------------------------------------------------------- nginx config

# deploy/nginx-cluster.conf with this cluster's instances and front port.
nginx_site_config() {
    local servers="" p
    for p in "${ports[@]}"; do
        servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'
    done
    awk -v servers="$servers" -v front="$front_port" '
        /^[[:space:]]*upstream[[:space:]]/ { upstream = 1; print; printf "%s", servers; next }
        upstream && /^[[:space:]]*}/ { upstream = 0 }
        upstream && /^[[:space:]]*server[[:space:]]/ { next }
        /^[[:space:]]*listen[[:space:]]/ { print "    listen 127.0.0.1:" front ";"; next }
        { print }' "$template"
}

# The main context around it: everything nginx writes stays under $run/nginx.
nginx_main_config() {
    local dir=$run/nginx
    cat <<EOF
# Generated by scripts/cluster.sh; the site itself is deploy/nginx-cluster.conf.
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log notice;

events {
    worker_connections 1024;
}

http {
    access_log $dir/access.log;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    include $dir/cluster.conf;
}
EOF
}

# ------------------------------------------------------------------------- commands

start() {
    local p pid i url
    [[ -x $bin ]] || die "no sse-dashboard at $bin (build it, or set SSE_DASHBOARD_BIN)"
    command -v "$nginx_bin" >/dev/null || die "nginx not found (apt-get install nginx-light, or set NGINX)"
    command -v "$redis_bin" >/dev/null || die "redis-server not found (apt-get install redis-server, or set REDIS_SERVER)"
    [[ -f $template ]] || die "missing $template"
    ((${#ports[@]} > 0)) || die "SSE_CLUSTER_PORTS is empty"
    for pid in "$run"/*.pid "$run/nginx/nginx.pid"; do
        if [[ -e $pid ]] && alive_pid "$pid" >/dev/null; then
            die "already running (see '$0 status'; '$0 stop' first)"
        fi
    done
    rm -f "$run"/*.pid "$run/nginx/nginx.pid" # stale ones, of processes that died
    for p in "$front_port" "${ports[@]}" "$redis_port"; do
        [[ $p =~ ^[0-9]+$ ]] || die "not a port: '$p'"
        ! port_in_use "$p" || die "port $p is in use (set SSE_CLUSTER_*PORT* to other ports)"
    done

    mkdir -p "$run/redis" "$run/nginx"
    # From here on, leaving early (a failure, Ctrl+C) stops what was started.
    started=0
    trap stop_unless_started EXIT

    "$redis_bin" --port "$redis_port" --bind 127.0.0.1 --dir "$run/redis" \
        --save '' --appendonly no --daemonize yes --pidfile "$run/redis.pid" \
        --logfile "$run/redis/redis.log" >/dev/null
    wait_until "" test -s "$run/redis.pid" || fail_start "redis-server did not start" "$run/redis/redis.log"
    wait_until "$(<"$run/redis.pid")" redis-cli -h 127.0.0.1 -p "$redis_port" ping ||
        fail_start "redis-server does not answer on port $redis_port" "$run/redis/redis.log"
    say "redis    redis://127.0.0.1:$redis_port/0?prefix=$prefix"

    i=0
    for p in "${ports[@]}"; do
        i=$((i + 1))
        # setsid: the instances outlive this shell and its terminal's Ctrl+C.
        setsid "$bin" --headless --port "$p" \
            --redis "redis://127.0.0.1:$redis_port/0?prefix=$prefix" "${extra_args[@]}" \
            </dev/null >"$run/instance$i.log" 2>&1 &
        echo $! >"$run/instance$i.pid"
    done
    i=0
    for p in "${ports[@]}"; do
        i=$((i + 1))
        wait_until "$(<"$run/instance$i.pid")" healthy "$p" ||
            fail_start "instance $i (port $p) did not start" "$run/instance$i.log"
    done

    nginx_site_config >"$run/nginx/cluster.conf"
    grep -q "listen 127.0.0.1:$front_port;" "$run/nginx/cluster.conf" ||
        fail_start "could not put the front port into $template" /dev/null
    nginx_main_config >"$run/nginx/nginx.conf"
    "$nginx_bin" -q -t -p "$run/nginx" -e "$run/nginx/error.log" -c "$run/nginx/nginx.conf" ||
        fail_start "nginx refused the generated $run/nginx/nginx.conf" "$run/nginx/error.log"
    # nginx forks into the background itself and writes its pid file.
    "$nginx_bin" -p "$run/nginx" -e "$run/nginx/error.log" -c "$run/nginx/nginx.conf"
    wait_until "" healthy "$front_port" || fail_start "nginx does not answer on port $front_port" "$run/nginx/error.log"
    started=1
    # The instances find each other through Redis heartbeats: wait until they do.
    wait_until "" cluster_complete ||
        say "warning: /api/cluster does not list all ${#ports[@]} instances yet"
    echo "http://127.0.0.1:$front_port/" >"$run/front.url"

    echo
    echo "front      http://127.0.0.1:$front_port/"
    i=0
    for p in "${ports[@]}"; do
        i=$((i + 1))
        url=$(head -n 1 "$run/instance$i.log" 2>/dev/null || true)
        echo "instance$i  ${url:-http://127.0.0.1:$p/}  (pid $(<"$run/instance$i.pid"))"
    done
    echo
    echo "Open the front URL in a browser; publish on any instance or on the front, e.g."
    echo "  curl -H 'Content-Type: text/plain' --data hello http://127.0.0.1:$front_port/publish"
    echo "Logs and pid files: $run"
}

started=1
stop_unless_started() {
    if ((!started)); then
        say "stopping what was started" >&2
        stop >&2 || true
    fi
}

fail_start() { # MESSAGE LOG
    echo "cluster: $1" >&2
    if [[ -s $2 ]]; then
        echo "--- $2 ---" >&2
        tail -n 20 "$2" >&2
    fi
    exit 1 # the EXIT trap of start() stops what was started
}

stop() {
    local f name
    stop_pidfile "$run/nginx/nginx.pid" nginx
    for f in "$run"/instance*.pid; do
        [[ -e $f ]] || continue
        name=$(basename "$f" .pid)
        stop_pidfile "$f" "$name"
    done
    stop_pidfile "$run/redis.pid" redis-server
    rm -f "$run/front.url"
}

status() {
    local f name pid any=0 down=0 front="http://127.0.0.1:$front_port/"
    for f in "$run/nginx/nginx.pid" "$run"/instance*.pid "$run/redis.pid"; do
        [[ -e $f ]] || continue
        name=$(basename "$f" .pid)
        if pid=$(alive_pid "$f"); then
            say "$name running (pid $pid)"
            any=1
        else
            say "$name NOT running (stale $f)"
            down=1
        fi
    done
    if ((!any)); then
        say "not running"
        return 3
    fi
    # The front as started, even if SSE_CLUSTER_FRONT_PORT is not set now.
    [[ -f $run/front.url ]] && front=$(<"$run/front.url")
    if curl -fsS --max-time 2 -o /dev/null "${front}healthz"; then
        say "front $front answers; /api/cluster:"
        curl -fsS --max-time 2 "${front}api/cluster"
        echo
    else
        say "front $front does not answer"
        down=1
    fi
    return "$down"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
-h | --help | help) usage ;;
*)
    usage >&2
    exit 2
    ;;
esac
