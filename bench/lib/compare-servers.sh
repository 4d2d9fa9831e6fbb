# shellcheck shell=bash disable=SC2154,SC2034 # the globals are compare.sh's
# bench/compare.sh's servers: the run's TLS certificate, and starting and stopping sse-dashboard,
# the floor and nginx + Nchan, one at a time. Sourced by compare.sh; the functions read and set
# its globals (tls, h2, tls_dir, tls_cert, tls_key, tls_suite, tls_loadgen_args, server_bin,
# floor_bin, nginx_bin, extra_server_args, loadgen_pid; set: server_url, server_pids, stop_pids,
# server_args).

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
